using BamOrleans.Storage;

namespace BamOrleans.Data.Shards;

/// <summary>Reads a prepared dataset's manifest.json and checks it describes a whole, consistent dataset.</summary>
public static class DatasetManifestBlob
{
    /// <summary>The dataset's manifest, checked for consistency (not yet against the shards' bytes).</summary>
    /// <exception cref="ArgumentException">The name breaks the <see cref="DatasetName"/> rules.</exception>
    /// <exception cref="InvalidDataException">No manifest, an unknown version, or a manifest that contradicts itself.</exception>
    public static async Task<DatasetManifest> Read(IBlobStore store, string name, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var blob = PreparedDatasetLayout.ManifestBlob(name);
        var content = await store.Read(blob, cancellation).ConfigureAwait(false)
                      ?? throw PreparedDatasetError.Create(name, blob,
                          $"does not exist in {store.Description}: the dataset was never prepared there, or its preparation did not finish",
                          PreparedDatasetProblem.NotFound);
        var manifest = ManifestJson.Deserialize(content.Data, name, blob);
        if (Inconsistency(manifest, name) is { } inconsistency)
            throw PreparedDatasetError.Create(name, blob, inconsistency, PreparedDatasetProblem.Damaged);
        return manifest;
    }

    /// <summary>What makes the manifest unusable, or null: it must name this dataset, and its shards
    /// must tile 0..ImageCount−1 in order, so index lookups can trust them.</summary>
    private static string? Inconsistency(DatasetManifest m, string name)
    {
        if (m.Name != name) return $"names dataset '{m.Name}', not '{name}' (copied from another dataset's folder?)";
        if (m.Channels <= 0 || m.Height <= 0 || m.Width <= 0) return $"has an impossible image shape {m.Channels}x{m.Height}x{m.Width}";
        if (m.Mean.Count != m.Channels || m.Std.Count != m.Channels)
            return $"has {m.Mean.Count} means and {m.Std.Count} standard deviations for {m.Channels} channels";
        if (m.ClassCount is <= 0) return $"has class count {m.ClassCount}; an unlabelled dataset has none (null)";
        if (m.ClassNames is not null && m.ClassNames.Count != m.ClassCount)
            return $"has {m.ClassNames.Count} class names for {m.ClassCount?.ToString() ?? "no"} classes";
        long next = 0; // long: a damaged count must not wrap around into a plausible one
        foreach (var shard in m.Shards)
        {
            if (shard is null) return "lists a shard as null";
            if (shard.Blob.Contains('/') || BlobNames.Problem(PreparedDatasetLayout.Blob(name, shard.Blob)) is not null)
                return $"lists a shard named \"{shard.Blob}\", which is not a file name inside the dataset's folder";
            if (shard.FirstIndex != next || shard.Count <= 0)
                return $"lists shard {shard.Blob} with images {shard.FirstIndex}..{shard.FirstIndex + shard.Count - 1}, but the next shard must start at image {next} and hold at least one";
            next += shard.Count;
        }
        if (next != m.ImageCount) return $"says {m.ImageCount} images but its shards hold {next}";
        return null;
    }

    /// <summary>Writes the manifest, committing the dataset, if the manifest blob still has
    /// <paramref name="previousETag"/> (null: if there is none), so two preparations of one name
    /// cannot both commit.</summary>
    internal static Task Write(IBlobStore store, DatasetManifest manifest, string? previousETag, CancellationToken cancellation) =>
        store.Write(PreparedDatasetLayout.ManifestBlob(manifest.Name), new MemoryStream(ManifestJson.Serialize(manifest)),
            previousETag is null ? BlobCondition.MustNotExist : BlobCondition.IfMatch(previousETag), cancellation);
}
