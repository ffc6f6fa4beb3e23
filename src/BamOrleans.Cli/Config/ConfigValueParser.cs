using System.Globalization;

namespace BamOrleans.Cli.Config;

/// <summary>Turns a setting's text into the value its key takes, or says in one line what is
/// wrong and what to write instead.</summary>
internal static class ConfigValueParser
{
    /// <param name="key">The key the text is for.</param>
    /// <param name="text">The value as written; null when empty.</param>
    /// <param name="example">A valid value to suggest, as written in a config (the key's default, where it has one).</param>
    /// <param name="value">The parsed value: int, long, double, bool or string by <see cref="ConfigKey.Kind"/>;
    /// a choice as its word from <see cref="ConfigKey.Choices"/>.</param>
    /// <param name="problem">What is wrong, starting with the key, when false is returned.</param>
    public static bool TryParse(ConfigKey key, string? text, string example, out object? value, out string problem)
    {
        value = null;
        problem = "";
        if (text is null)
        {
            if (key.Optional) return true;
            problem = $"{key.Name} has no value: give one, such as {example}, or remove the line.";
            return false;
        }
        var trimmed = text.Trim();
        switch (key.Kind)
        {
            case ConfigValueKind.Integer when int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i):
                value = i;
                return true;
            case ConfigValueKind.Integer:
                problem = $"{key.Name}: {ConfigText.Quoted(text)} is not an integer: use a whole number such as {example}"
                          + (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? $", between {int.MinValue} and {int.MaxValue}." : ".");
                return false;
            case ConfigValueKind.LongInteger when long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                value = l;
                return true;
            case ConfigValueKind.LongInteger:
                problem = $"{key.Name}: {ConfigText.Quoted(text)} is not an integer: use a whole number such as {example}.";
                return false;
            case ConfigValueKind.Number when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                value = d;
                return true;
            case ConfigValueKind.Number:
                problem = $"{key.Name}: {ConfigText.Quoted(text)} is not a finite number: use a decimal number such as {example}, with '.' as the decimal point.";
                return false;
            case ConfigValueKind.Boolean when bool.TryParse(trimmed, out var b):
                value = b;
                return true;
            case ConfigValueKind.Boolean:
                problem = $"{key.Name}: {ConfigText.Quoted(text)} is not true or false: use true or false.";
                return false;
            case ConfigValueKind.Choice:
                value = key.Choices.FirstOrDefault(c => string.Equals(c, trimmed, StringComparison.OrdinalIgnoreCase));
                if (value is not null) return true;
                problem = $"{key.Name}: {ConfigText.Quoted(text)} is not a known value: use one of {string.Join(", ", key.Choices)}.";
                return false;
            case ConfigValueKind.Text:
                value = text;
                return true;
            default:
                throw new InvalidOperationException($"{key.Name} has value kind {key.Kind}, which the parser does not handle.");
        }
    }
}
