using BamOrleans.Checkpoints;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>What a checkpoint folder in the store amounts to.</summary>
internal enum CheckpointStatus
{
    /// <summary>Its manifest and every blob it lists verify (lengths, SHA-256, contents parse).</summary>
    Complete,

    /// <summary>It has a manifest but a blob is missing, truncated or changed.</summary>
    Damaged,

    /// <summary>Blobs without a manifest: an upload that is still running or never finished. Not a
    /// checkpoint (the manifest is the commit point); the writer's next prune removes it.</summary>
    Uncommitted,
}

/// <summary>One checkpoint folder of a run.</summary>
/// <param name="Step">Its step: the step a run resumed from it executes first.</param>
/// <param name="Bytes">Bytes of every blob in its folder, manifest included.</param>
/// <param name="Blobs">Blobs in its folder, manifest included.</param>
/// <param name="Latest">The newest checkpoint that verifies: the one a restarted run resumes from.</param>
/// <param name="Epoch">Its epoch, when it verifies.</param>
/// <param name="CreatedUtc">When its snapshot was taken, when it verifies.</param>
/// <param name="DamagedBlob">The first blob that fails verification, when damaged.</param>
/// <param name="Problem">What is wrong with that blob, when damaged.</param>
internal sealed record CheckpointEntry(long Step, long Bytes, int Blobs, CheckpointStatus Status, bool Latest,
    int? Epoch = null, DateTime? CreatedUtc = null, string? DamagedBlob = null, string? Problem = null);

/// <summary>A run's checkpoints in the store, each verified, newest first.</summary>
internal sealed record CheckpointInventory(string Run, string Prefix, string Store, IReadOnlyList<CheckpointEntry> Checkpoints)
{
    public long? LatestStep => Checkpoints.FirstOrDefault(c => c.Latest)?.Step;

    /// <summary>
    /// Lists the folders under the run's checkpoint prefix and verifies every committed one the
    /// way a resuming run does (<see cref="CheckpointReader.Load"/>), so "latest" here is the
    /// checkpoint a restart would use. With <paramref name="onlyStep"/>, only that folder.
    /// </summary>
    public static async Task<CheckpointInventory> Read(IBlobStore store, string run, ILogger log, long? onlyStep = null,
        CancellationToken cancellation = default)
    {
        var reader = RunCheckpoints.Reader(store, run, log);
        var folders = new SortedDictionary<long, (long Bytes, int Blobs, bool Manifest)>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        foreach (var blob in await store.List(reader.Prefix + "/", cancellation))
        {
            if (!CheckpointLayout.TryParse(reader.Prefix, blob.Name, out var step, out var file)) continue;
            if (onlyStep is { } only && step != only) continue;
            var (bytes, blobs, manifest) = folders.GetValueOrDefault(step);
            folders[step] = (bytes + blob.Length, blobs + 1, manifest || file == CheckpointLayout.ManifestFile);
        }

        var entries = new List<CheckpointEntry>();
        var latestFound = false;
        foreach (var (step, (bytes, blobs, manifest)) in folders)
        {
            if (!manifest)
            {
                entries.Add(new CheckpointEntry(step, bytes, blobs, CheckpointStatus.Uncommitted, Latest: false));
                continue;
            }
            try
            {
                var loaded = await reader.Load(step, cancellation);
                // Newest first: the first checkpoint that verifies is the latest, even when it is
                // not the newest (a damaged newer one is skipped, as a resuming run skips it).
                entries.Add(new CheckpointEntry(step, bytes, blobs, CheckpointStatus.Complete, Latest: !latestFound && onlyStep is null,
                    loaded.Epoch, loaded.CreatedUtc));
                latestFound = true;
            }
            catch (CorruptCheckpointException e)
            {
                log.Warning("Checkpoint {Step} of run {Run} is damaged: blob {Blob}: {Reason}", step, run, e.BlobName, e.Reason);
                entries.Add(new CheckpointEntry(step, bytes, blobs, CheckpointStatus.Damaged, Latest: false,
                    DamagedBlob: e.BlobName, Problem: e.Reason));
            }
        }
        return new CheckpointInventory(run, reader.Prefix, store.Description, entries);
    }
}
