using System.Text.Json;
using System.Text.Json.Serialization;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// An objective's options as canonical JSON (camelCase, enums by name, unknown members refused):
/// the text slots send with every upload, compared for equality on the leader and parsed back
/// there. Canonical because equal options must give equal text.
/// </summary>
public static class ObjectiveOptionsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Derived values (Views, schedules) are not options: they follow from the rest.
        IgnoreReadOnlyProperties = true,
    };

    public static string Write<T>(T options) where T : class => JsonSerializer.Serialize(options, Options);

    /// <summary>Parses options written by <see cref="Write{T}"/>; a clear error otherwise.</summary>
    public static T Read<T>(string text, string method) where T : class
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                   ?? throw new ArgumentException($"The {method} options are JSON null: send the objective's Describe() text.", nameof(text));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The {method} options are not ones this version reads ({e.Message}): run every silo on the same version of bam.", nameof(text), e);
        }
    }
}
