using System.Text.Json;

namespace BamOrleans.Data.Shards;

/// <summary>JSON of manifest.json: camelCase, indented for people who open it, and strict on
/// reading (a missing or null member is damage, not a default).</summary>
internal static class ManifestJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static byte[] Serialize(DatasetManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Options);

    /// <summary>The manifest in <paramref name="bytes"/>, read from <paramref name="blob"/> of <paramref name="dataset"/>.</summary>
    /// <exception cref="InvalidDataException">An unknown format version, or bytes that are not a manifest.</exception>
    public static DatasetManifest Deserialize(byte[] bytes, string dataset, string blob)
    {
        try
        {
            // Read the version first: a newer writer may have changed the rest of the shape, and
            // "unknown version" is a clearer message than whatever member then fails to bind.
            using (var document = JsonDocument.Parse(bytes))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("formatVersion", out var version)
                    || !version.TryGetInt32(out var number))
                    throw PreparedDatasetError.Create(dataset, blob,
                        "has no integer formatVersion: it is not a prepared dataset's manifest", PreparedDatasetProblem.Damaged);
                if (number != DatasetManifest.CurrentFormatVersion)
                    throw PreparedDatasetError.Create(dataset, blob,
                        $"has format version {number}, but this bam reads version {DatasetManifest.CurrentFormatVersion} only",
                        PreparedDatasetProblem.UnknownVersion);
            }
            return JsonSerializer.Deserialize<DatasetManifest>(bytes, Options)!;
        }
        catch (JsonException e)
        {
            throw PreparedDatasetError.Create(dataset, blob, $"is not valid manifest JSON ({e.Message})", PreparedDatasetProblem.Damaged);
        }
    }
}
