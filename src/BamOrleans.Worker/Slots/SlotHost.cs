using System.Collections.Concurrent;
using BamOrleans.Checkpoints;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// This silo's worker slots: creates each slot's replica when its grain asks (from the run's
/// latest checkpoint when the run resumes), keeps it in this process's memory, and stops them all
/// — flushing their checkpoint uploads — when the silo stops.
/// </summary>
/// <param name="store">The blob store checkpoints go to and come from; null: no checkpoints.</param>
public sealed class SlotHost(IGrainFactory grains, ILocalSiloDetails silo, IDatasetProvider datasets, IBlobStore? store, ILogger log)
    : ISlotHost, IDisposable
{
    private readonly ConcurrentDictionary<string, SlotTrainer> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CheckpointWriter> _writers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _joining = new(1, 1);

    public async Task<SlotReport> Join(string slotId, string runId)
    {
        await _joining.WaitAsync();
        try
        {
            if (_slots.TryGetValue(slotId, out var existing)) return existing.Report();
            var run = grains.GetGrain<IRunGrain>(runId);
            var settings = await run.GetSettings()
                           ?? throw new InvalidOperationException($"run {runId} has no settings: create it (bam CLI) before its slots join.");
            SlotTrainer trainer;
            try
            {
                var definition = RunDefinitionJson.FromSettings(settings);
                var resumeFrom = await CheckpointToResume(run, runId);
                var writer = store is null ? null : _writers.GetOrAdd(runId,
                    id => new CheckpointWriter(store, RunCheckpoints.Prefix(id), definition.KeepCheckpoints, log));
                // Opening the dataset and building the model take seconds: off the grain scheduler,
                // whose turns must stay short (the calling grain's turn just awaits this).
                trainer = await Task.Run(() =>
                    new SlotTrainer(slotId, runId, silo.SiloAddress, definition, datasets.Open(definition.Dataset), grains, log,
                        writer, resumeFrom));
            }
            catch (Exception e) when (e is InvalidConfigurationException or ArgumentException or IOException
                                          or CheckpointMismatchException or CorruptCheckpointException or BlobStoreConfigurationException)
            {
                // The caller is on another silo or a client: send the reason in an exception type
                // every Orleans node can deserialize.
                log.Error(e, "Slot {SlotId} cannot join run {RunId}", slotId, runId);
                throw new InvalidOperationException($"slot {slotId} on {silo.SiloAddress} cannot join run {runId}: {e.Message}");
            }
            await run.RegisterSlot(slotId, silo.SiloAddress);
            _slots[slotId] = trainer;
            trainer.Start();
            log.Information("Slot {SlotId} joined run {RunId} on {Silo}", slotId, runId, silo.SiloAddress);
            return trainer.Report();
        }
        finally
        {
            _joining.Release();
        }
    }

    public async Task<SlotReport> Leave(string slotId)
    {
        var trainer = Get(slotId);
        await Task.Run(trainer.Stop);
        await grains.GetGrain<IRunGrain>(trainer.RunId).UnregisterSlot(slotId);
        _slots.TryRemove(slotId, out _);
        var report = trainer.Report();
        trainer.Dispose();
        log.Information("Slot {SlotId} left run {RunId} after {Steps} steps", slotId, trainer.RunId, report.CompletedSteps);
        return report;
    }

    public SlotReport Report(string slotId) => Get(slotId).Report();

    /// <summary>
    /// The checkpoint a joining slot starts from: none for a run at step 0; for a run that opens
    /// later (resumed), the store's latest verifying checkpoint, which must be at exactly that step.
    /// </summary>
    private async Task<LoadedCheckpoint?> CheckpointToResume(IRunGrain run, string runId)
    {
        var open = (await run.GetStatus()).Current.Step;
        if (open == 0) return null;
        if (store is null)
            throw new InvalidOperationException($"run {runId} resumes at step {open} but silo {silo.SiloAddress} has no blob store to read its checkpoint from: start the silo with the run's store.");
        var checkpoint = await RunCheckpoints.Reader(store, runId, log).LoadLatest();
        if (checkpoint?.NextStep != open)
            throw new InvalidOperationException(
                $"run {runId} resumes at step {open} but the latest verifying checkpoint in {store.Description} is {(checkpoint is null ? "none" : $"at step {checkpoint.NextStep}")}: the silos must share the client's store.");
        return checkpoint;
    }

    public IReadOnlyList<SlotStepRecord> History(string slotId, long fromStep) => Get(slotId).History(fromStep);

    public ModelSnapshot Export(string slotId) => Get(slotId).Export();

    private SlotTrainer Get(string slotId) =>
        _slots.TryGetValue(slotId, out var trainer)
            ? trainer
            : throw new InvalidOperationException($"slot {slotId} is not running on {silo.SiloAddress}: call Join first (or the silo restarted and the slot's replica is gone).");

    /// <summary>
    /// The silo is stopping (SIGTERM, end of a local run): every loop finishes or abandons its
    /// step, and the checkpoint uploads already started complete, while Orleans still runs.
    /// </summary>
    public async Task StopAll()
    {
        await Task.WhenAll(_slots.Values.Select(trainer => Task.Run(trainer.Stop)));
        foreach (var writer in _writers.Values) await writer.Flush();
    }

    public void Dispose()
    {
        foreach (var trainer in _slots.Values) trainer.Dispose();
        _slots.Clear();
        // A stopping silo (SIGTERM, end of a local run) finishes the uploads it started.
        foreach (var writer in _writers.Values) writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _writers.Clear();
        _joining.Dispose();
    }
}
