using System.Text.Json;
using System.Text.Json.Serialization;
using BamOrleans.Core.Models;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// <see cref="EncoderOptions"/> as the JSON an encoder file carries: camelCase, enums by name (so
/// a Python reader sees "smallResNet", not 0), and strict on reading. Unknown members are refused
/// rather than ignored: an option added by a newer version changes the architecture, and
/// silently dropping it would build an encoder the weights do not fit.
/// </summary>
internal static class EncoderOptionsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Serialize(EncoderOptions options) => JsonSerializer.Serialize(options, Options);

    /// <summary>Parses and validates; a clear <see cref="EncoderFileException"/> otherwise.</summary>
    public static EncoderOptions Deserialize(string json, string source, string key)
    {
        EncoderOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<EncoderOptions>(json, Options);
        }
        catch (JsonException e)
        {
            throw new EncoderFileException(source, $"metadata '{key}' is not encoder options this version reads ({e.Message}); export the checkpoint again with this version of bam");
        }
        if (options is null)
            throw new EncoderFileException(source, $"metadata '{key}' is JSON null instead of encoder options");
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new EncoderFileException(source, $"metadata '{key}' holds invalid encoder options: {string.Join(" ", problems)}");
        return options;
    }
}
