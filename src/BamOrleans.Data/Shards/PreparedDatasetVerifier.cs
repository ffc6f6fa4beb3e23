using BamOrleans.Storage;

namespace BamOrleans.Data.Shards;

/// <summary>One shard blob that does not match the manifest.</summary>
/// <param name="Blob">Its full blob name.</param>
/// <param name="Problem">What is wrong, in words that follow the blob's name.</param>
public sealed record ShardDamage(string Blob, string Problem);

/// <summary>
/// Checks a committed dataset's shards against its manifest and reports every damaged one (not just
/// the first), for `bam dataset info`. Reading each shard is the only way to check its SHA-256, so
/// that is optional: without it, presence and length come from one listing.
/// </summary>
public static class PreparedDatasetVerifier
{
    public static async Task<IReadOnlyList<ShardDamage>> Check(
        IBlobStore store, DatasetManifest manifest, bool readContents, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        var damage = new List<ShardDamage>();
        var listed = (await store.List(PreparedDatasetLayout.Prefix(manifest.Name), cancellation).ConfigureAwait(false))
            .ToDictionary(b => b.Name, b => b.Length, StringComparer.Ordinal);
        foreach (var entry in manifest.Shards)
        {
            var blob = PreparedDatasetLayout.Blob(manifest.Name, entry.Blob);
            string? problem;
            if (!listed.TryGetValue(blob, out var length)) problem = "does not exist";
            else if (length != entry.Length) problem = $"is {length} bytes, the manifest says {entry.Length}";
            else if (!readContents) problem = null;
            else problem = ShardCodec.Problem((await store.Read(blob, cancellation).ConfigureAwait(false))?.Data, entry, manifest);
            if (problem is not null) damage.Add(new ShardDamage(blob, problem));
        }
        return damage;
    }
}
