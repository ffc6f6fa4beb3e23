using System.Text.Json;
using System.Text.Json.Serialization;

namespace BamOrleans.Cli.Output;

/// <summary>The `--json` form of every command's answer: camelCase, enums as strings, indented,
/// non-finite numbers as "NaN"/"Infinity" strings, one document per invocation.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Run ids, addresses and messages are shown as typed ('…', +, <), not as \u escapes:
        // the output is a terminal's or a script's, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(TextWriter writer, object document)
    {
        writer.WriteLine(JsonSerializer.Serialize(document, document.GetType(), Options));
        writer.Flush();
    }
}
