namespace BamOrleans.Core.Training;

/// <summary>A configuration that cannot run. Carries every problem found, each naming the setting
/// and the fix, so the user corrects them all in one pass.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
