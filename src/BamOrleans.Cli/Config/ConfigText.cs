using System.Text;

namespace BamOrleans.Cli.Config;

/// <summary>User text as it is echoed back: control characters written as escapes, so a value
/// holding a line break cannot split a problem over two lines.</summary>
internal static class ConfigText
{
    /// <summary>The text in single quotes, as problems quote what the user wrote.</summary>
    public static string Quoted(string text) => $"'{EscapeControl(text)}'";

    /// <summary>\n, \r and \t as such, other control characters as \uXXXX (escapes YAML double
    /// quotes also read).</summary>
    public static string EscapeControl(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return escaped.ToString();
    }
}
