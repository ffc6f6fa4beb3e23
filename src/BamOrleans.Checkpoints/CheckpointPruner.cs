using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Keeps the newest K committed checkpoints. Each pruned checkpoint loses its manifest first and
/// its blobs after, so a prune interrupted half-way leaves an uncommitted folder (ignored by
/// readers), never a "latest" with missing blobs. Folders without a manifest below the checkpoint
/// just committed are uploads that died (a kill, a failed write): they can never complete, and
/// are removed too.
/// </summary>
internal sealed class CheckpointPruner(IBlobStore store, string prefix, int keepLast, ILogger log)
{
    /// <summary>Prunes around the checkpoint at <paramref name="committedStep"/>, which is always kept
    /// (even when older checkpoints of an abandoned timeline have higher steps).</summary>
    public async Task Prune(long committedStep)
    {
        var folders = new SortedDictionary<long, List<string>>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        var committed = new HashSet<long>();
        foreach (var blob in await store.List(prefix + "/").ConfigureAwait(false))
        {
            if (!CheckpointLayout.TryParse(prefix, blob.Name, out var step, out var file)) continue;
            if (!folders.TryGetValue(step, out var names)) folders[step] = names = [];
            names.Add(blob.Name);
            if (file == CheckpointLayout.ManifestFile) committed.Add(step);
        }
        var keep = folders.Keys.Where(committed.Contains).Take(keepLast).Append(committedStep).ToHashSet();
        foreach (var (step, names) in folders)
        {
            if (keep.Contains(step)) continue;
            var isCommitted = committed.Contains(step);
            if (!isCommitted && step > committedStep) continue; // not ours to judge
            if (isCommitted)
                await store.Delete(CheckpointLayout.BlobName(prefix, step, CheckpointLayout.ManifestFile)).ConfigureAwait(false);
            foreach (var name in names.Where(n => !n.EndsWith("/" + CheckpointLayout.ManifestFile, StringComparison.Ordinal)))
                await store.Delete(name).ConfigureAwait(false);
            if (isCommitted)
                log.Information("Pruned checkpoint {Step} (keeping the newest {KeepLast})", step, keepLast);
            else
                log.Information("Removed the uncommitted checkpoint folder {Step}: an upload that never finished", step);
        }
    }
}
