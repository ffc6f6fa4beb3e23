namespace BamOrleans.Cli.Config;

/// <summary>One thing wrong with a run config, as one line that names the key and the fix.</summary>
/// <param name="Key">The key the problem is about (as the user wrote it for an unknown key); null
/// when none is (a file that cannot be parsed).</param>
/// <param name="Message">The problem and its fix, starting with the key when there is one.</param>
/// <param name="Where">The file line or --set option it comes from; null for a problem of the
/// config as a whole with no single place (a required key left out).</param>
internal sealed record ConfigProblem(string? Key, string Message, ConfigSource? Where = null)
{
    public override string ToString() => Where is null ? Message : $"{Where}: {Message}";
}
