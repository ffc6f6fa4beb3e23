using System.Text.Json;

namespace BamOrleans.Checkpoints;

/// <summary>JSON settings for manifest.json and state.json: camelCase, indented for people who
/// open them, and strict on reading (a missing or null member is corruption, not a default).</summary>
internal static class CheckpointJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Parses <paramref name="bytes"/>; malformed JSON raises <see cref="CorruptCheckpointException"/> naming the blob.</summary>
    public static T Deserialize<T>(byte[] bytes, string blobName)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options)
                ?? throw new CorruptCheckpointException(blobName, "it holds JSON null instead of an object");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException(blobName, $"it is not valid {typeof(T).Name} JSON ({e.Message})");
        }
    }
}
