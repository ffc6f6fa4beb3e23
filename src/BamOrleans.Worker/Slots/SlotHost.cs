using System.Collections.Concurrent;
using BamOrleans.Checkpoints;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// This silo's worker slots: creates each slot's replica when its grain asks (from the run's
/// latest checkpoint when the run resumes or the slot joins mid-run), keeps it in this process's
/// memory, and drains them when the silo is told to go (<see cref="Drain"/>).
/// </summary>
/// <param name="store">The blob store checkpoints go to and come from; null: no checkpoints.</param>
/// <param name="devices">The device of each slot this silo offers (slot k of a run on element k;
/// <see cref="SlotDevices.Resolve"/>); null: the CPU for all.</param>
public sealed class SlotHost(IGrainFactory grains, ILocalSiloDetails silo, IDatasetProvider datasets, IBlobStore? store, ILogger log,
    IReadOnlyList<string>? devices = null)
    : ISlotHost, IDisposable
{
    private readonly IReadOnlyList<string> _devices = devices is { Count: > 0 } ? devices : [SlotDevices.Cpu];
    private readonly ConcurrentDictionary<string, SlotTrainer> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CheckpointWriter> _writers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _joining = new(1, 1);

    public async Task<SlotReport> Join(string slotId, string runId)
    {
        await _joining.WaitAsync();
        try
        {
            var run = grains.GetGrain<IRunGrain>(runId);
            if (_slots.TryGetValue(slotId, out var existing))
            {
                // Laid out again (the leader was lost or handed over): a replica still following the
                // run at its open step holds exactly the state to resume from, so it stays; one that
                // is ahead, behind or stopped is replaced from the checkpoint the run opens at.
                var open = (await run.GetStatus()).Current.Step;
                if (existing.IsLive && existing.CompletedSteps == open)
                {
                    await run.RegisterSlot(slotId, silo.SiloAddress);
                    log.Information("Slot {SlotId} rejoined run {RunId} at step {Step} with its live replica", slotId, runId, open);
                    return existing.Report();
                }
                log.Information("Slot {SlotId} replaces its replica (at step {Had}) to rejoin run {RunId} at step {Step}",
                    slotId, existing.CompletedSteps, runId, open);
                _slots.TryRemove(slotId, out _);
                // Not awaited: the old loop may be waiting on the run, whose layout awaits this join.
                existing.RequestStop();
                _ = Task.Run(existing.Dispose);
            }
            // Before anything is built: a GPU silo asked for more slots than it has GPUs refuses at once.
            var device = SlotDevices.ForSlot(slotId, _devices, out var deviceError)
                         ?? throw new InvalidOperationException($"slot {slotId} on {silo.SiloAddress} cannot join run {runId}: {deviceError}.");
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
                        writer, resumeFrom, device));
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
            log.Information("Slot {SlotId} joined run {RunId} on {Silo} ({Device})", slotId, runId, silo.SiloAddress, device);
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
    /// The silo was told to go (SIGTERM: an eviction notice, a scale-down) and has
    /// <paramref name="deadline"/> to do it: for each run it trains, the run holds at the next
    /// step boundary, this silo's slots finish the step in flight, the boundary is checkpointed,
    /// and the slots unregister, handing their shard leases back to the pool and the run to the
    /// other silos (or, if none is left, to the next start). Past the deadline's first part the
    /// slots stop where they are, with an emergency checkpoint if they were the run's last.
    /// Uploads already started are finished within what is left.
    /// </summary>
    public async Task Drain(TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Leave time at the end to stop, unregister and flush.
        var holdBudget = deadline - TimeSpan.FromSeconds(Math.Min(5, deadline.TotalSeconds / 3));
        var runs = _slots.Values.GroupBy(t => t.RunId).ToList();
        await Task.WhenAll(runs.Select(run => DrainRun(run.Key, run.ToList(), holdBudget)));
        var left = deadline - clock.Elapsed;
        foreach (var writer in _writers.Values)
        {
            try { await writer.Flush().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)); }
            catch (TimeoutException) { log.Warning("Checkpoint uploads still running at the drain deadline of {Deadline}; leaving without them", deadline); }
            left = deadline - clock.Elapsed;
        }
        log.Information("Drained {Runs} run(s) in {Seconds:F1} s", runs.Count, clock.Elapsed.TotalSeconds);
    }

    private async Task DrainRun(string runId, IReadOnlyList<SlotTrainer> trainers, TimeSpan holdBudget)
    {
        var run = grains.GetGrain<IRunGrain>(runId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var boundaryCheckpointed = false;
        var lastHolder = false;
        var ended = false;
        try
        {
            var status = await run.HoldForDeparture(silo.SiloAddress);
            ended = status.Status.IsFinal();
            // A run that ended needs nothing kept; one whose other slots live on keeps its state there.
            lastHolder = !ended && status.Slots.Count > 0 && status.Slots.Values.All(s => s.Equals(silo.SiloAddress));
            while (clock.Elapsed < holdBudget && (status.Status == RunStatus.Running || status.Status == RunStatus.Paused))
            {
                if (status.Status == RunStatus.Paused && trainers.All(t => t.CompletedSteps == status.Current.Step || !t.IsLive))
                {
                    if (status.Current.Step == 0 || store is null
                        || await RunCheckpoints.Reader(store, runId, log).ListCommitted() is var steps && steps.Contains(status.Current.Step))
                    {
                        boundaryCheckpointed = true;
                        break;
                    }
                }
                await Task.Delay(50);
                status = await run.GetStatus();
            }
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e))
        {
            log.Warning("Run {RunId} did not answer while this silo drained ({Reason}); its slots stop where they are", runId, e.Message);
        }
        await Task.WhenAll(trainers.Select(t => Task.Run(t.Stop)));
        // The replicas are equal: one emergency checkpoint of any of them holds the run.
        if (!boundaryCheckpointed && lastHolder)
            foreach (var trainer in trainers)
                if (trainer.CheckpointNow()) break;
        foreach (var trainer in trainers)
        {
            try
            {
                await run.UnregisterSlot(trainer.SlotId);
            }
            catch (Exception e) when (ClusterFaults.IsTransient(e))
            {
                log.Warning("Slot {SlotId} could not unregister from run {RunId} ({Reason}); membership will drop it", trainer.SlotId, runId, e.Message);
            }
            _slots.TryRemove(trainer.SlotId, out _);
            trainer.Dispose();
        }
        log.Information("Slot(s) of run {RunId} left in {Seconds:F1} s ({How})", runId, clock.Elapsed.TotalSeconds,
            ended ? "the run had ended" : boundaryCheckpointed ? "at a checkpointed step boundary"
            : lastHolder ? "with an emergency checkpoint" : "mid-step, the others redo it");
    }

    /// <summary>The silo stops without notice (its stop was cancelled: a crash or an abort): the
    /// slots stop where they are, as if the process had died, and nothing is handed over.</summary>
    public Task StopAll() => Task.WhenAll(_slots.Values.Select(trainer => Task.Run(trainer.Stop)));

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
