using System.Diagnostics;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Client;

/// <summary>
/// One run on a cluster, driven from a client: launch it with its definition (the run grain puts
/// <c>slotsPerSilo</c> worker slots on every active silo and resumes from a checkpoint if there is
/// one), watch it to its end (or a time budget), and fetch what it produced.
/// </summary>
public sealed class ClusterRun(IClusterClient client, string runId, ILogger log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly ILogger _log = log.ForContext<ClusterRun>().ForContext("RunId", runId);
    private IRunGrain Run => client.GetGrain<IRunGrain>(RunId);

    public string RunId { get; } = runId;

    /// <summary>The step the run resumed at, or null when it started fresh (set by <see cref="Launch"/>).</summary>
    public long? ResumedFrom { get; private set; }

    /// <summary>The worker-slot keys of this run, in slot order (set by <see cref="Launch"/>).</summary>
    public IReadOnlyList<string> SlotKeys { get; private set; } = [];

    /// <summary>Launches the run on the cluster (see <see cref="IRunGrain.Launch"/>): the run grain
    /// stores the definition and plan, resumes from the run's latest verifying checkpoint in the
    /// silos' blob store when there is one, joins the slots and starts. Throws, before anything
    /// trains, if the definition is invalid or the global batch does not split over the slots; a
    /// run already training (resumed by the silos themselves) is attached to as it is.</summary>
    /// <param name="definition">What to train.</param>
    /// <param name="datasetSize">Images in the training set (the data pool cuts them into shards).</param>
    /// <param name="slotsPerSilo">Worker slots on each silo (its device count; 1 per CPU silo here).</param>
    /// <param name="siloLimit">Use only the first this-many active silos (in address order); all by default.</param>
    public async Task Launch(RunDefinition definition, int datasetSize, int slotsPerSilo, int? siloLimit = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        RunIds.Require(RunId);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerSilo, 1);
        var problems = definition.Validate().ToList();
        var active = (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;
        var silos = Math.Min(active, siloLimit ?? int.MaxValue);
        var slots = silos * slotsPerSilo;
        if (slots == 0) problems.Add("the cluster has no active silo: start at least one bam-silo.");
        else if (definition.Config.GlobalBatch % slots != 0)
            problems.Add($"globalBatch = {definition.Config.GlobalBatch} does not split over {slots} slots ({silos} silos × {slotsPerSilo}): use a multiple of {slots}.");
        if (datasetSize < definition.Config.GlobalBatch)
            problems.Add($"globalBatch = {definition.Config.GlobalBatch} exceeds the {datasetSize} training images: lower it.");
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);

        var plan = new RunLaunchPlan(silos, slotsPerSilo,
            new DataPoolSettings(definition.Config.Seed, datasetSize, definition.DataShards, definition.Config.GlobalBatch,
                // Per-image memory (PIRL's bank) lives with the data: the pool keeps it when the objective asks.
                definition.Config.TrainingObjective().MemoryWidth(definition.Config.Model.ProjectorOutDim)),
            definition.Config.Steps);
        var launched = await Run.Launch(RunDefinitionJson.ToSettings(definition), plan);
        SlotKeys = launched.SlotKeys;
        ResumedFrom = launched.ResumedFrom;
        if (ResumedFrom is { } step) _log.Information("Run {RunId} resumes at step {Step}", RunId, step);
        _log.Information("Run {RunId} started: {Slots} slots on {Silos} silos, {Batch} images per step ({PerSlot} per slot)",
            RunId, SlotKeys.Count, silos, definition.Config.GlobalBatch, definition.Config.GlobalBatch / SlotKeys.Count);
    }

    /// <summary>Follows a run that is already laid out (for instance resumed by the silos on their
    /// own): takes its slots from the run grain. Returns its status.</summary>
    public async Task<RunStatusSnapshot> Attach()
    {
        var status = await Run.GetStatus();
        SlotKeys = status.Slots.Keys.Order(StringComparer.Ordinal).ToList();
        return status;
    }

    /// <summary>
    /// Watches the run until it has completed its planned steps (then marks it Completed), the
    /// budget runs out (pauses it, to be resumed by a later launch), or a slot fails (fails the run with the slot's
    /// reason and throws). Returns the steps completed.
    /// </summary>
    public async Task<long> WaitUntilDone(long plannedSteps, TimeSpan? budget, Func<RunProgress, Task>? onProgress = null,
        CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        long reported = -1;
        while (true)
        {
            await Task.Delay(Poll, cancellation);
            RunStatusSnapshot status;
            IReadOnlyList<SlotReport> reports;
            try
            {
                status = await Run.GetStatus();
                reports = await Reports();
            }
            catch (Exception e) when (ClusterFaults.IsTransient(e))
            {
                // The leader silo (where the run lives) was lost: the run comes back on the next one.
                _log.Warning("Run {RunId} does not answer ({Reason}); asking again", RunId, e.Message);
                continue;
            }
            if (status.Status == RunStatus.Failed)
                throw new InvalidOperationException($"run {RunId} failed: {status.FailureReason}");
            if (status.Status == RunStatus.Cancelled)
                throw new InvalidOperationException($"run {RunId} was cancelled at step {status.Current.Step}");
            if (reports.FirstOrDefault(r => r.State == SlotState.Failed) is { } failed)
            {
                await Run.Fail($"slot {failed.SlotId}: {failed.Error}");
                throw new InvalidOperationException($"run {RunId} failed: slot {failed.SlotId} stopped: {failed.Error}");
            }
            if (status.CompletedSteps != reported)
            {
                reported = status.CompletedSteps;
                if (onProgress is not null)
                    await onProgress(new RunProgress(status.CompletedSteps, plannedSteps, status.Current.Generation,
                        status.Slots.Count, reports.Count > 0 ? reports[0].LastLoss : double.NaN));
            }
            var done = status.CompletedSteps >= plannedSteps;
            var outOfTime = budget is { } b && clock.Elapsed >= b;
            if (!done && !outOfTime) continue;
            if (!done)
            {
                // Paused, not completed: the same launch later resumes it from its latest checkpoint.
                _log.Information("Time budget of {Budget} reached after {Steps} of {Planned} steps: pausing the run", budget, status.CompletedSteps, plannedSteps);
                status = await Run.Pause();
            }
            // Every replica applies the barrier's last step on its own; wait for all of them.
            while ((await Reports()).Any(r => r.CompletedSteps < status.CompletedSteps && r.State != SlotState.Failed))
                await Task.Delay(Poll / 5, cancellation);
            if (done) await Run.Complete();
            return status.CompletedSteps;
        }
    }

    /// <summary>Stops the run exactly at the boundary before <paramref name="step"/> (it pauses when
    /// step − 1 completes); the replicas apply step − 1 and checkpoint if one is due.</summary>
    public Task StopAt(long step) => Run.PauseAt(step);

    /// <summary>Waits until the run has paused (see <see cref="StopAt"/>) and every replica has
    /// applied every completed step; returns the step it stopped before.</summary>
    public async Task<long> WaitUntilPaused(CancellationToken cancellation = default)
    {
        while (true)
        {
            var status = await Run.GetStatus();
            if (status.Status == RunStatus.Failed) throw new InvalidOperationException($"run {RunId} failed: {status.FailureReason}");
            if (status.Status == RunStatus.Paused
                && (await Reports()).All(r => r.CompletedSteps == status.Current.Step && r.State == SlotState.Waiting))
                return status.Current.Step;
            await Task.Delay(Poll / 5, cancellation);
        }
    }

    /// <summary>The run grain's status snapshot.</summary>
    public Task<RunStatusSnapshot> Status() => Run.GetStatus();

    /// <summary>Pauses the run: its slots finish the step in flight and wait (slot 0 checkpoints the boundary).</summary>
    public Task<RunStatusSnapshot> Pause() => Run.Pause();

    /// <summary>Resumes a paused run (see <see cref="IRunGrain.Resume"/>).</summary>
    public Task<RunStatusSnapshot> Resume() => Run.Resume();

    /// <summary>Cancels the run for good (see <see cref="IRunGrain.Cancel"/>).</summary>
    public Task<RunStatusSnapshot> Cancel(string reason) => Run.Cancel(reason);

    /// <summary>The run's timeline, oldest first.</summary>
    public Task<IReadOnlyList<RunEvent>> Events() => Run.GetEvents();

    /// <summary>The run's settings document (its definition), or null for an id never launched.</summary>
    public Task<RunSettings?> Settings() => Run.GetSettings();

    /// <summary>Everything `bam run status` shows, read in one go (see <see cref="RunOverview"/>).</summary>
    public async Task<RunOverview> Overview(int recentSteps = RunOverview.DefaultRecentSteps)
    {
        var status = await Attach();
        var reports = await ReportsOfSlotKeys();
        IReadOnlyList<SlotStepRecord> recent = [];
        if (SlotKeys.Count > 0)
        {
            try { recent = await History(0, Math.Max(0, status.CompletedSteps - recentSteps)); }
            catch (Exception e) when (ClusterFaults.IsTransient(e)) { /* slot 0's silo is going: no recent figures */ }
        }
        return RunOverview.From(status, reports, recent);
    }

    /// <summary>The reports of the run's slots now (the run's membership changes as silos come and
    /// go; <see cref="SlotKeys"/> follows it). A slot whose silo does not answer is left out.</summary>
    public async Task<IReadOnlyList<SlotReport>> Reports()
    {
        await Attach();
        return await ReportsOfSlotKeys();
    }

    /// <summary>The reports of the slots in <see cref="SlotKeys"/> as last attached.</summary>
    private async Task<IReadOnlyList<SlotReport>> ReportsOfSlotKeys()
    {
        var reports = await Task.WhenAll(SlotKeys.Select(async k =>
        {
            try { return await client.GetGrain<IWorkerSlotGrain>(k).GetReport(); }
            catch (Exception e) when (ClusterFaults.IsTransient(e)) { return null; }
        }));
        return reports.OfType<SlotReport>().ToList();
    }

    /// <summary>The steps as slot <paramref name="slot"/> (index into <see cref="SlotKeys"/>) saw them.</summary>
    public Task<IReadOnlyList<SlotStepRecord>> History(int slot = 0, long fromStep = 0) =>
        client.GetGrain<IWorkerSlotGrain>(SlotKeys[slot]).GetHistory(fromStep);

    /// <summary>The trained student, from slot 0 (all replicas are equal; the caller may check the checksums).</summary>
    public Task<ModelSnapshot> ExportModel(int slot = 0) =>
        client.GetGrain<IWorkerSlotGrain>(SlotKeys[slot]).ExportModel();
}
