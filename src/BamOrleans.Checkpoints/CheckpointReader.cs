using System.Buffers.Binary;
using System.Security.Cryptography;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Finds the newest checkpoint that verifies. Only folders with a manifest count (the manifest is
/// the commit point); each blob must have the manifest's length and SHA-256 and parse. A corrupt
/// checkpoint is logged and skipped for the one before it, so a damaged newest checkpoint costs
/// the steps since the previous one, never a crash loop.
/// </summary>
/// <remarks>
/// Errors of the store itself (unreachable, no permission) are not corruption and propagate:
/// falling back on a network error would silently resume from older state.
/// </remarks>
public sealed class CheckpointReader
{
    private readonly IBlobStore _store;
    private readonly ILogger _log;

    public CheckpointReader(IBlobStore store, string prefix, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        _store = store;
        Prefix = CheckpointLayout.NormalizePrefix(prefix);
        _log = log.ForContext<CheckpointReader>().ForContext("CheckpointPrefix", Prefix);
    }

    public string Prefix { get; }

    /// <summary>Steps that have a manifest (committed, not yet verified), newest first.</summary>
    public async Task<IReadOnlyList<long>> ListCommitted(CancellationToken cancellation = default)
    {
        var blobs = await _store.List(Prefix + "/", cancellation).ConfigureAwait(false);
        return blobs
            .Select(b => CheckpointLayout.TryParse(Prefix, b.Name, out var step, out var file) && file == CheckpointLayout.ManifestFile ? step : -1)
            .Where(step => step >= 0)
            .OrderDescending()
            .ToArray();
    }

    /// <summary>The newest checkpoint that verifies, or null when there is none (a fresh run).</summary>
    public async Task<LoadedCheckpoint?> LoadLatest(CancellationToken cancellation = default)
    {
        var steps = await ListCommitted(cancellation).ConfigureAwait(false);
        foreach (var step in steps)
        {
            try
            {
                var loaded = await Load(step, cancellation).ConfigureAwait(false);
                _log.Information("Loaded checkpoint {Step} (epoch {Epoch}) from {Manifest}", loaded.NextStep, loaded.Epoch, loaded.Manifest);
                return loaded;
            }
            catch (CorruptCheckpointException e)
            {
                _log.Warning("checkpoint {Blob} is corrupt: {Reason}; trying the previous one", e.BlobName, e.Reason);
            }
        }
        if (steps.Count == 0)
            _log.Information("No checkpoint under {Prefix} in {Store}: starting fresh", Prefix, _store.Description);
        else
            _log.Warning("None of the {Count} checkpoints under {Prefix} in {Store} verifies", steps.Count, Prefix, _store.Description);
        return null;
    }

    /// <summary>Loads and verifies the checkpoint at <paramref name="step"/>.</summary>
    /// <exception cref="CorruptCheckpointException">It is missing, incomplete or damaged.</exception>
    public async Task<LoadedCheckpoint> Load(long step, CancellationToken cancellation = default)
    {
        var manifestName = CheckpointLayout.BlobName(Prefix, step, CheckpointLayout.ManifestFile);
        var manifestBlob = await _store.Read(manifestName, cancellation).ConfigureAwait(false)
            ?? throw new CorruptCheckpointException(manifestName, "it does not exist (not committed, or pruned meanwhile)");
        var manifest = CheckpointJson.Deserialize<CheckpointManifest>(manifestBlob.Data, manifestName);
        CheckManifest(manifest, step, manifestName);

        var contents = new Dictionary<string, (string Name, byte[] Data)>(StringComparer.Ordinal);
        foreach (var entry in manifest.Blobs)
        {
            var name = CheckpointLayout.BlobName(Prefix, step, entry.Name);
            var blob = await _store.Read(name, cancellation).ConfigureAwait(false)
                ?? throw new CorruptCheckpointException(name, "the manifest lists it but it does not exist");
            if (blob.Data.LongLength != entry.Length)
                throw new CorruptCheckpointException(name, $"it is {blob.Data.LongLength} bytes but the manifest says {entry.Length}: truncated or replaced");
            var sha = Convert.ToHexStringLower(SHA256.HashData(blob.Data));
            if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new CorruptCheckpointException(name, $"its SHA-256 is {sha} but the manifest says {entry.Sha256}: bytes were changed");
            contents[entry.Name] = (name, blob.Data);
        }

        IReadOnlyList<HostTensor> Tensors(string file) => TensorFile.Read(contents[file].Data, contents[file].Name);
        var model = Tensors(CheckpointLayout.ModelFile);
        var teacher = contents.ContainsKey(CheckpointLayout.TeacherFile) ? Tensors(CheckpointLayout.TeacherFile) : null;
        var optimizer = Tensors(CheckpointLayout.OptimizerFile);
        var memory = contents.TryGetValue(CheckpointLayout.MemoryFile, out var memoryBlob)
            ? CheckpointMemoryBank.FromHost(Tensors(CheckpointLayout.MemoryFile), manifest.NextStep, memoryBlob.Name)
            : null;
        var (stateName, stateData) = contents[CheckpointLayout.StateFile];
        var state = CheckpointJson.Deserialize<CheckpointState>(stateData, stateName);
        CheckState(state, manifest, teacher is not null, memory is not null, optimizer, stateName);

        return new LoadedCheckpoint(manifestName, manifest, state, model, teacher, optimizer, memory,
            manifest.Blobs.Select(b => CheckpointLayout.BlobName(Prefix, step, b.Name)).ToArray());
    }

    private static void CheckManifest(CheckpointManifest manifest, long step, string name)
    {
        CorruptCheckpointException Corrupt(string reason) => new(name, reason);
        if (manifest.FormatVersion != CheckpointLayout.FormatVersion)
            throw Corrupt($"checkpoint format version {manifest.FormatVersion}; this reader reads version {CheckpointLayout.FormatVersion} (written by another BamOrleans version?)");
        if (manifest.NextStep != step)
            throw Corrupt($"it says step {manifest.NextStep} but lies in the folder of step {step}");
        if (manifest.Epoch < 0)
            throw Corrupt($"it says epoch {manifest.Epoch}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in manifest.Blobs)
        {
            if (!CheckpointLayout.KnownFiles.Contains(blob.Name))
                throw Corrupt($"it lists an unknown blob '{blob.Name}' (known: {string.Join(", ", CheckpointLayout.KnownFiles)})");
            if (!seen.Add(blob.Name))
                throw Corrupt($"it lists '{blob.Name}' twice");
            if (blob.Length < 0)
                throw Corrupt($"it gives '{blob.Name}' a length of {blob.Length}");
            if (blob.Sha256.Length != 64 || !blob.Sha256.All(Uri.IsHexDigit))
                throw Corrupt($"it gives '{blob.Name}' a SHA-256 of '{blob.Sha256}', not 64 hex digits");
        }
        foreach (var required in new[] { CheckpointLayout.ModelFile, CheckpointLayout.OptimizerFile, CheckpointLayout.StateFile })
            if (!seen.Contains(required))
                throw Corrupt($"it does not list the required blob '{required}'");
    }

    private static void CheckState(CheckpointState state, CheckpointManifest manifest, bool hasTeacherBlob, bool hasMemoryBlob,
        IReadOnlyList<HostTensor> optimizer, string name)
    {
        CorruptCheckpointException Corrupt(string reason) => new(name, reason);
        if (state.FormatVersion != manifest.FormatVersion)
            throw Corrupt($"format version {state.FormatVersion} differs from the manifest's {manifest.FormatVersion}");
        if (state.NextStep != manifest.NextStep || state.Epoch != manifest.Epoch)
            throw Corrupt($"it says step {state.NextStep}, epoch {state.Epoch} but the manifest says step {manifest.NextStep}, epoch {manifest.Epoch}");
        if (state.HasTeacher != hasTeacherBlob)
            throw Corrupt(state.HasTeacher ? "it says the run has an EMA teacher but the manifest lists no teacher.bin"
                : "it says the run has no EMA teacher but the manifest lists teacher.bin");
        if (state.HasMemory != hasMemoryBlob)
            throw Corrupt(state.HasMemory ? "it says the run has a memory bank but the manifest lists no memory.bin"
                : "it says the run has no memory bank but the manifest lists memory.bin");
        var stepCount = optimizer.FirstOrDefault(t => t.Name == Core.Optim.OptimizerBase.StepCountName);
        if (stepCount is { DType: TensorDType.Int64, Data.Length: 8 } && BinaryPrimitives.ReadInt64LittleEndian(stepCount.Data) != state.OptimizerStepCount)
            throw Corrupt($"optimizer step count {state.OptimizerStepCount} differs from the {BinaryPrimitives.ReadInt64LittleEndian(stepCount.Data)} in optimizer.bin");
    }
}
