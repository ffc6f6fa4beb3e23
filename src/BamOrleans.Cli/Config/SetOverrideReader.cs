namespace BamOrleans.Cli.Config;

/// <summary>
/// Reads the --set key=value options. A value is the text after the first '=' (so it may hold
/// '='), trimmed; empty, ~ or null leaves an optional key unset, as in YAML. The same key set
/// twice is a problem rather than "last wins": with long command lines built by scripts, a silent
/// choice between two values is more likely a mistake than an intent.
/// </summary>
internal static class SetOverrideReader
{
    public static ConfigReading Read(IReadOnlyList<string> overrides)
    {
        var entries = new List<ConfigEntry>();
        var problems = new List<ConfigProblem>();
        var firstValue = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in overrides)
        {
            var equals = argument.IndexOf('=');
            var key = equals < 0 ? "" : argument[..equals].Trim();
            if (key.Length == 0)
            {
                problems.Add(new ConfigProblem(null,
                    $"{ConfigText.Quoted(argument)} is not key=value: write the key, '=' and the value, e.g. --set batch=256.", ConfigSource.Set));
                continue;
            }
            var text = argument[(equals + 1)..].Trim();
            if (firstValue.TryGetValue(key, out var first))
            {
                problems.Add(new ConfigProblem(key, $"{key} is set twice ({ConfigText.Quoted(first)}, then {ConfigText.Quoted(text)}): keep one --set {key}=….", ConfigSource.Set));
                continue;
            }
            firstValue[key] = text;
            entries.Add(new ConfigEntry(key, text is "" or "~" or "null" ? null : text, ConfigSource.Set));
        }
        return new ConfigReading(entries, problems, Incomplete: false);
    }
}
