using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Config;

/// <summary>What loading a run config gave: the config, or every problem found (never both).</summary>
internal sealed record RunConfigLoadResult
{
    private RunConfigLoadResult(RunConfig? config, IReadOnlyList<ConfigProblem> problems) =>
        (Config, Problems) = (config, problems);

    /// <summary>The complete config; null when there are problems.</summary>
    public RunConfig? Config { get; }

    /// <summary>Every problem, one line each; empty when the config loaded.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    public bool Succeeded => Config is not null;

    public static RunConfigLoadResult Loaded(RunConfig config) => new(config, []);

    public static RunConfigLoadResult Failed(IReadOnlyList<ConfigProblem> problems) =>
        problems.Count > 0 ? new(null, problems) : throw new ArgumentException("a failed load has at least one problem", nameof(problems));

    /// <summary>The config, or an <see cref="InvalidConfigurationException"/> listing every problem
    /// (which the commands' shared handler turns into one line each and the bad-input exit code).</summary>
    public RunConfig OrThrow() =>
        Config ?? throw new InvalidConfigurationException(Problems.Select(p => p.ToString()).ToList());
}
