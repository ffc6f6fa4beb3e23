namespace BamOrleans.Cli.Config;

/// <summary>The settings read from one source (a file, the --set options) and what was wrong
/// with how they were written.</summary>
/// <param name="Entries">The settings, each key once, in the order written.</param>
/// <param name="Problems">Syntax, duplicate and malformed-setting problems.</param>
/// <param name="Incomplete">Whether reading stopped early (a missing file, a YAML syntax error),
/// so settings may be missing: checks of the config as a whole would then report phantoms.</param>
internal sealed record ConfigReading(IReadOnlyList<ConfigEntry> Entries, IReadOnlyList<ConfigProblem> Problems, bool Incomplete);
