using System.Diagnostics;
using System.Security.Cryptography;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Uploads snapshots in the background so training never waits on storage. Each checkpoint goes
/// to its own step folder: model.bin, teacher.bin, optimizer.bin, memory.bin and state.json first, then
/// manifest.json, the commit point, listing each with its length and SHA-256. A kill at any
/// moment leaves either a complete checkpoint or a folder without a manifest, which readers ignore.
/// </summary>
/// <remarks>
/// At most one checkpoint uploads and one waits: a snapshot submitted while another is pending
/// replaces it (the replaced one is logged as dropped), so a slow store costs checkpoint frequency,
/// never memory or an ever-growing lag. One writer per prefix: two writers would prune each other's
/// checkpoints. Upload errors are logged and recorded in <see cref="Failed"/>, never thrown into
/// training: the previous checkpoint stays latest and the next one tries again.
/// </remarks>
public sealed class CheckpointWriter : IAsyncDisposable
{
    private readonly IBlobStore _store;
    private readonly ILogger _log;
    private readonly CheckpointPruner _pruner;
    private readonly object _gate = new();
    private readonly List<CheckpointWritten> _completed = [];
    private readonly List<CheckpointFailure> _failed = [];
    private readonly List<long> _dropped = [];
    private CheckpointSnapshot? _pending;
    private long? _inFlightStep;
    private bool _draining;
    private bool _disposed;
    private Task _worker = Task.CompletedTask;

    public CheckpointWriter(IBlobStore store, string prefix, int keepLast, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        if (keepLast < 1)
            throw new ArgumentOutOfRangeException(nameof(keepLast), keepLast, "keepLast must be ≥ 1: the newest checkpoint is the one a restart resumes from.");
        _store = store;
        Prefix = CheckpointLayout.NormalizePrefix(prefix);
        KeepLast = keepLast;
        _log = log.ForContext<CheckpointWriter>().ForContext("CheckpointPrefix", Prefix);
        _pruner = new CheckpointPruner(store, Prefix, keepLast, _log);
    }

    public string Prefix { get; }

    public int KeepLast { get; }

    /// <summary>Raised on the upload thread after each checkpoint is committed (and pruned).</summary>
    public event Action<CheckpointWritten>? Written;

    /// <summary>Every committed checkpoint, oldest first.</summary>
    public IReadOnlyList<CheckpointWritten> Completed { get { lock (_gate) return _completed.ToArray(); } }

    /// <summary>Every failed upload, oldest first.</summary>
    public IReadOnlyList<CheckpointFailure> Failed { get { lock (_gate) return _failed.ToArray(); } }

    /// <summary>Steps of snapshots replaced by a newer one before their upload began.</summary>
    public IReadOnlyList<long> Dropped { get { lock (_gate) return _dropped.ToArray(); } }

    /// <summary>Queues <paramref name="snapshot"/> for upload and returns at once.</summary>
    public void Submit(CheckpointSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pending is { } replaced)
            {
                _dropped.Add(replaced.NextStep);
                _log.Warning("Checkpoint at step {DroppedStep} dropped before upload: step {NewerStep} replaced it while step {InFlightStep} was still uploading",
                    replaced.NextStep, snapshot.NextStep, _inFlightStep);
            }
            _pending = snapshot;
            if (!_draining)
            {
                _draining = true;
                _worker = Task.Run(Drain);
            }
        }
    }

    /// <summary>Completes when every submitted checkpoint has been written (or has failed).</summary>
    public async Task Flush()
    {
        while (true)
        {
            Task worker;
            lock (_gate)
            {
                if (!_draining) return;
                worker = _worker;
            }
            await worker.ConfigureAwait(false);
        }
    }

    /// <summary>Writes what is queued, then refuses further submissions.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate) _disposed = true;
        await Flush().ConfigureAwait(false);
    }

    private async Task Drain()
    {
        while (true)
        {
            CheckpointSnapshot snapshot;
            lock (_gate)
            {
                if (_pending is null)
                {
                    _inFlightStep = null;
                    _draining = false;
                    return;
                }
                snapshot = _pending;
                _pending = null;
                _inFlightStep = snapshot.NextStep;
            }
            await Upload(snapshot).ConfigureAwait(false);
        }
    }

    private async Task Upload(CheckpointSnapshot snapshot)
    {
        var step = snapshot.NextStep;
        CheckpointWritten written;
        try
        {
            written = await Commit(snapshot).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate) _failed.Add(new CheckpointFailure(step, e.Message));
            _log.Error(e, "Checkpoint at step {Step} was not written to {Store}: {Reason}; the previous checkpoint stays latest",
                step, _store.Description, e.Message);
            return;
        }
        lock (_gate) _completed.Add(written);
        _log.Information("Checkpoint at step {Step} written: {Bytes} bytes, snapshot {SnapshotMs:F1} ms, upload {UploadSeconds:F2} s, {Manifest}",
            step, written.Bytes, written.SnapshotSeconds * 1000, written.UploadSeconds, written.Manifest);
        try
        {
            await _pruner.Prune(step).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The checkpoint is committed; stale ones left behind are retried at the next prune.
            _log.Warning(e, "Pruning after checkpoint {Step} failed: {Reason}; older checkpoints stay until the next one", step, e.Message);
        }
        try
        {
            Written?.Invoke(written);
        }
        catch (Exception e)
        {
            _log.Error(e, "A Written handler failed for checkpoint {Step}: {Reason}", step, e.Message);
        }
    }

    /// <summary>Writes the blobs, then the manifest. Returns once the manifest is stored.</summary>
    private async Task<CheckpointWritten> Commit(CheckpointSnapshot snapshot)
    {
        var clock = Stopwatch.StartNew();
        var step = snapshot.NextStep;
        var manifestName = CheckpointLayout.BlobName(Prefix, step, CheckpointLayout.ManifestFile);
        // Re-checkpointing a step (e.g. right after resuming from it): un-commit the old one first,
        // so the folder is never a manifest over blobs it does not describe.
        if (await _store.Delete(manifestName).ConfigureAwait(false))
            _log.Information("Replacing the existing checkpoint at step {Step}", step);

        var files = new List<(string File, Func<byte[]> Content)>
        {
            (CheckpointLayout.ModelFile, () => TensorFile.Write(snapshot.Model)),
        };
        if (snapshot.Teacher is { } teacher)
            files.Add((CheckpointLayout.TeacherFile, () => TensorFile.Write(teacher)));
        files.Add((CheckpointLayout.OptimizerFile, () => TensorFile.Write(snapshot.Optimizer)));
        if (snapshot.Memory is { } memory)
            files.Add((CheckpointLayout.MemoryFile, () => TensorFile.Write([memory])));
        files.Add((CheckpointLayout.StateFile, () => CheckpointJson.Serialize(new CheckpointState(CheckpointLayout.FormatVersion, step,
            snapshot.Epoch, snapshot.OptimizerType, snapshot.OptimizerStepCount, snapshot.Teacher is not null, snapshot.RunDefinition,
            snapshot.DataState, snapshot.Memory is not null))));

        var blobs = new List<ManifestBlob>();
        long bytes = 0;
        foreach (var (file, content) in files)
        {
            var data = content();
            await Write(CheckpointLayout.BlobName(Prefix, step, file), data).ConfigureAwait(false);
            blobs.Add(new ManifestBlob(file, data.LongLength, Convert.ToHexStringLower(SHA256.HashData(data))));
            bytes += data.LongLength;
        }
        var manifest = CheckpointJson.Serialize(new CheckpointManifest(CheckpointLayout.FormatVersion, step, snapshot.Epoch,
            snapshot.TakenUtc, blobs));
        await Write(manifestName, manifest).ConfigureAwait(false);
        bytes += manifest.LongLength;
        return new CheckpointWritten(step, snapshot.Epoch, bytes, snapshot.SnapshotSeconds, clock.Elapsed.TotalSeconds, manifestName);
    }

    private async Task Write(string name, byte[] data)
    {
        using var stream = new MemoryStream(data, writable: false);
        await _store.Write(name, stream).ConfigureAwait(false);
    }
}
