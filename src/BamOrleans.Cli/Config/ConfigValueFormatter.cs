using System.Globalization;

namespace BamOrleans.Cli.Config;

/// <summary>Writes a key's value as a YAML scalar that <see cref="ConfigValueParser"/> reads back
/// to the same value.</summary>
internal static class ConfigValueFormatter
{
    public static string Format(ConfigKey key, object? value) => value switch
    {
        null => "null",
        string text when key.Kind == ConfigValueKind.Text => Quoted(text),
        string word => word, // a choice: lower-case letters, digits and '-', safe unquoted
        bool b => b ? "true" : "false",
        // Shortest text that reads back to the same double, '.' as the decimal point.
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"{key.Name} holds a {value.GetType().Name}, which has no YAML form here."),
    };

    // Double quotes with YAML escapes, so that any path or name (with ':', '#', quotes, leading
    // spaces or a value like "true") stays text.
    private static string Quoted(string text) =>
        $"\"{ConfigText.EscapeControl(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))}\"";
}
