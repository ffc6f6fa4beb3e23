using BamOrleans.Grains.Data;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Steps;
using BamOrleans.Grains.Training;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// One training run: settings, launch plan, status, membership generation, registered slots and
/// the step barrier. The rules for accepting a step message live in <see cref="StaleMessagePolicy"/>;
/// the slot set and generation in <see cref="SlotRoster"/>; the gathering of one step in
/// <see cref="StepBarrier"/>; which slots go where in <see cref="RunSlotLayout"/>. This class wires
/// them together, persists what must outlive the silos (<see cref="RunRecord"/>), answers waiters and logs.
/// </summary>
/// <remarks>
/// <para>Every change is applied in memory before the first await, so <see cref="WaitForStep"/>,
/// which runs interleaved with the other calls, never observes a half-applied change. Writes of
/// the record are chained one after the other (<see cref="Persist"/>), because the slots a launch
/// joins call back into this grain (call-chain reentrancy) and register while the launch awaits.</para>
/// <para>A run read back from storage as Running has lost its slots (every silo stopped or died,
/// or the leader silo it lived on): it is <c>interrupted</c> and counts as paused until a launch or
/// a recovery lays it out again from its latest checkpoint. How it follows a changing cluster
/// while it trains (silos lost, joining, handing over) is in RunGrain.Membership.cs.</para>
/// <para>Placed on the leader silo with its data pool and batch aggregator, so losing any other
/// silo costs the run only that silo's slots.</para>
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true), LeaderPlacement]
internal sealed partial class RunGrain(
    [PersistentState("run", RunStateStorage.Name)] IPersistentState<RunRecord> state,
    IRunResumePoints resumePoints,
    IClusterMembershipService membership,
    RunMembershipOptions options,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private readonly RefusalCounter _refusals = new();
    private SlotRoster _roster = null!;
    private StepBarrier _barrier = null!;
    private RunSettings? _settings;
    private RunLaunchPlan? _plan;
    private RunStatus _status = RunStatus.Created;
    private string? _failureReason;
    private bool _interrupted;
    private DateTime _interruptedSince = DateTime.UtcNow;
    private long _completedSteps;
    private long? _openedAt;
    private StepResult? _lastCompleted;
    private long? _pauseAt;
    private Task _lastWrite = Task.CompletedTask;

    // Everyone waiting for the open step shares one completion; it is resolved (completed,
    // superseded or run ended) and dropped whenever the open position changes.
    private TaskCompletionSource<StepWaitOutcome>? _openStepWaiters;
    private int _pendingWaits;

    private string RunId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var record = state.State;
        _settings = record.Settings;
        _plan = record.Plan;
        _status = record.Status;
        _failureReason = record.FailureReason;
        LoadTimeline(record);
        _roster = new SlotRoster(record.Generation);
        _barrier = new StepBarrier(new StepStamp(RunId, _roster.Generation, 0), _roster.SlotIds);
        if (_status == RunStatus.Running)
        {
            _status = RunStatus.Paused;
            _interrupted = true;
            logger.LogWarning("Run {RunId} was running when its slots were lost (generation {Generation}); it resumes from its latest checkpoint once laid out again",
                RunId, record.Generation);
            if (!_handingOver)
                Record(RunEventKind.Interrupted, $"the run came back on silo {GrainContext.Address.SiloAddress?.Endpoint}: the silo it lived on (the leader), or every silo, was lost");
            _handingOver = false;
        }
        StartWatchingMembership();
        return Task.CompletedTask;
    }

    public async Task<RunLaunchResult> Launch(RunSettings settings, RunLaunchPlan plan)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Validate() is { Count: > 0 } problems)
            throw new InvalidOperationException($"run {RunId}: bad launch plan: {string.Join(" ", problems)}");
        if (RunLifecycle.IsFinal(_status))
            throw new InvalidOperationException(
                $"run {RunId} is {_status}{(_failureReason is null ? "" : $" ({_failureReason})")}: it cannot train again; launch a new run id.");
        await Create(settings);
        if (_roster.Count > 0)
        {
            // Laid out already (by a recovery, or an earlier launch): at most un-pause it.
            if (_status == RunStatus.Paused && _hold == RunHold.None) Record(RunEventKind.Continued, "launched again with its slots in place");
            await Start();
            return new RunLaunchResult(_roster.SlotIds.ToList(), _openedAt, Snapshot());
        }
        _plan = plan;
        await Persist(statusChanged: false);
        return await LayOut(plan, "launched");
    }

    /// <summary>Opens the run at its latest checkpoint (if any), restores the data pool, joins
    /// the slots of the first <paramref name="siloCount"/> active silos (the plan's by default)
    /// and starts. Only for a run with no slot registered.</summary>
    private async Task<RunLaunchResult> LayOut(RunLaunchPlan plan, string how, int? siloCount = null)
    {
        var settings = _settings!;
        var silos = RunSlotLayout.ChooseSilos(siloCount ?? plan.Silos, membership.CurrentSnapshot)
                    ?? throw new InvalidOperationException(
                        $"run {RunId} needs {siloCount ?? plan.Silos} active silos and {RunSlotLayout.ActiveCount(membership.CurrentSnapshot)} are active: start more bam-silo processes, or launch on fewer silos.");
        var slotKeys = RunSlotLayout.SlotKeys(RunId, plan, silos);

        var resumeFrom = await resumePoints.Latest(RunId);
        if (resumeFrom is not null && resumeFrom.DefinitionDocument != settings.Document)
            throw new InvalidOperationException(
                $"{resumeFrom.Source} holds a checkpoint of run {RunId} trained with another definition: resume with the same options, or launch a new run id.");
        if (resumeFrom is { Memory: null } && plan.Pool.MemoryWidth > 0)
            throw new InvalidOperationException(
                $"{resumeFrom.Source} holds a checkpoint of run {RunId} without its memory bank, which the run keeps (width {plan.Pool.MemoryWidth}): its slots must checkpoint the bank (the pool's MemoryAfter); remove that checkpoint to resume from an earlier one that holds it, or launch a new run id.");
        // The new replicas start from the checkpoint (or from scratch): so does the run.
        OpenLaidOutAt(resumeFrom?.NextStep ?? 0);
        var pool = GrainFactory.GetGrain<IDataPoolGrain>(RunId);
        // The pool lives on the leader with this grain, so it is usually fresh after a loss that
        // interrupted the run; one that lived on (the slots' silos died, or drained, or the run was
        // paused, but not the leader) may be past the checkpoint, and positions never move back:
        // start it afresh.
        var drawn = await pool.GetSnapshot();
        if (drawn.CommittedStep >= 0 || drawn.Planned is not null) await pool.Discard();
        await pool.Configure(plan.Pool);
        if (resumeFrom is not null) await pool.Restore(resumeFrom.Positions, slotKeys);
        if (resumeFrom?.Memory is { } memory && plan.Pool.MemoryWidth > 0) await pool.RestoreMemory(memory);

        await JoinAll(slotKeys);
        _interrupted = false;
        Record(resumeFrom is null ? RunEventKind.Launched : RunEventKind.ResumedFromCheckpoint,
            $"{how}: {slotKeys.Count} slots on {silos.Count} silos at step {_barrier.Position.Step}{(resumeFrom is null ? "" : $" from {resumeFrom.Source}")}");
        await Start();
        logger.LogInformation("Run {RunId} {How}: {Slots} slots on {Silos} silos at step {Step}{Resumed}",
            RunId, how, slotKeys.Count, silos.Count, _barrier.Position.Step,
            resumeFrom is null ? "" : $", from {resumeFrom.Source}");
        return new RunLaunchResult(slotKeys, _openedAt, Snapshot());
    }

    /// <summary>
    /// Joins every slot, or none: when a silo cannot take its slot (it died, or is dead but not yet
    /// declared so), the slots that joined leave again, so the run stays unlaid and the next launch
    /// or recovery starts clean.
    /// </summary>
    private async Task JoinAll(IReadOnlyList<string> slotKeys)
    {
        // The slots call back into this grain (settings, status, registration) while it awaits them.
        using var reentrancy = RequestContext.AllowCallChainReentrancy();
        var joins = slotKeys.Select(k => (Key: k, Join: GrainFactory.GetGrain<IWorkerSlotGrain>(k).Join())).ToList();
        try
        {
            await Task.WhenAll(joins.Select(j => j.Join));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Run {RunId}: not every slot could join; the {Joined} that did leave again",
                RunId, joins.Count(j => j.Join.IsCompletedSuccessfully));
            foreach (var (key, _) in joins.Where(j => j.Join.IsCompletedSuccessfully))
            {
                try { await GrainFactory.GetGrain<IWorkerSlotGrain>(key).Leave(); }
                catch (Exception leave) { logger.LogWarning(leave, "Run {RunId}: slot {SlotId} did not leave cleanly", RunId, key); }
            }
            throw;
        }
    }

    public async Task<RunStatusSnapshot> Create(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_settings is not null)
        {
            if (_settings == settings) return Snapshot();
            throw new InvalidOperationException($"run {RunId} already has settings; a run's settings cannot change");
        }
        if (_status != RunStatus.Created)
            throw new InvalidOperationException($"run {RunId} is {_status}; settings are given while Created");
        _settings = settings;
        logger.LogInformation("Run {RunId} created ({Format} settings, {Length} chars)", RunId, settings.Format, settings.Document.Length);
        await Persist(statusChanged: true);
        return Snapshot();
    }

    public Task<RunSettings?> GetSettings() => Task.FromResult(_settings);

    public Task<RunStatusSnapshot> OpenAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (_barrier.Position.Step == step) return Task.FromResult(Snapshot());
        if (_status is not (RunStatus.Created or RunStatus.Paused) || _roster.Count > 0 || _completedSteps > 0 || _barrier.Position.Step != 0)
            throw new InvalidOperationException(
                $"run {RunId} is {_status} at step {_barrier.Position.Step} with {_roster.Count} slots: a run opens at a checkpoint's step only before its slots join and it trains");
        _barrier.MoveTo(step);
        _completedSteps = step;
        _openedAt = step;
        logger.LogInformation("Run {RunId} opens at step {Step} (resumed from a checkpoint)", RunId, step);
        return Task.FromResult(Snapshot());
    }

    /// <summary>Opens the run at <paramref name="step"/> for slots about to join, whatever this
    /// activation trained before: with no slot registered nothing of that is in flight, and
    /// messages of the old generations stay refused.</summary>
    private void OpenLaidOutAt(long step)
    {
        if (_roster.Count > 0) throw new InvalidOperationException($"run {RunId} still has {_roster.Count} slots; it is laid out only when it has none");
        if (_barrier.Position.Step == step) return;
        _barrier.MoveTo(step);
        _completedSteps = step;
        _openedAt = step;
        _lastCompleted = null;
        _pauseAt = null;
        logger.LogInformation("Run {RunId} opens at step {Step}", RunId, step);
    }

    public async Task<SlotRegistration> RegisterSlot(string slotId, SiloAddress silo)
    {
        ThrowIfFinal("register a slot");
        var changed = _roster.Register(slotId, silo);
        var registration = new SlotRegistration(_barrier.Position, changed);
        if (changed)
        {
            logger.LogInformation("Run {RunId}: slot {SlotId} registered on {Silo}", RunId, slotId, silo);
            OnMembershipChanged();
            registration = registration with { Current = _barrier.Position };
            await Persist(statusChanged: false);
        }
        return registration;
    }

    public async Task<RunStatusSnapshot> UnregisterSlot(string slotId)
    {
        if (_roster.Unregister(slotId))
        {
            logger.LogInformation("Run {RunId}: slot {SlotId} unregistered", RunId, slotId);
            OnMembershipChanged();
            if (_roster.Count == 0) InterruptIfTraining($"its last slot {slotId} left", RunEventKind.SiloLeft);
            await Persist(statusChanged: _interrupted);
            await AfterSlotsLeft();
        }
        return Snapshot();
    }

    public async Task<IReadOnlyList<string>> RemoveSlotsOnSilo(SiloAddress silo)
    {
        var removed = _roster.RemoveSilo(silo);
        if (removed.Count > 0)
        {
            logger.LogWarning("Run {RunId}: silo {Silo} lost, removing its slots {SlotIds}", RunId, silo, removed);
            OnMembershipChanged();
            if (_roster.Count == 0) InterruptIfTraining($"the last slots' silo {silo.Endpoint} was lost", RunEventKind.Interrupted);
            else Record(RunEventKind.SiloLost, $"silo {silo.Endpoint} lost; {removed.Count} slot(s) dropped ({string.Join(", ", removed)}), {_roster.Count} go on");
            await Persist(statusChanged: _interrupted);
            await AfterSlotsLeft();
        }
        return removed;
    }

    public Task<RunStatusSnapshot> Start()
    {
        if (_status != RunStatus.Running)
        {
            if (_settings is null) throw new InvalidOperationException($"run {RunId} has no settings; call Create first");
            if (_roster.Count == 0) throw new InvalidOperationException($"run {RunId} has no registered slot");
        }
        return MoveTo(RunStatus.Running);
    }

    public Task<RunStatusSnapshot> Pause()
    {
        // A user's pause wins over a hold for a joining silo (that silo is tried again later).
        CancelHold();
        if (_interrupted)
        {
            // Paused by a user while waiting to be recovered: stays paused, also after a restart.
            _interrupted = false;
            Record(RunEventKind.Paused, "paused by a client while waiting to be resumed");
            return PersistThenSnapshot(statusChanged: true);
        }
        if (_status == RunStatus.Running) Record(RunEventKind.Paused, "paused by a client");
        return MoveTo(RunStatus.Paused);
    }

    public Task<RunStatusSnapshot> PauseAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ThrowIfFinal("pause");
        if (_barrier.Position.Step >= step) return Pause();
        _pauseAt = step;
        return Task.FromResult(Snapshot());
    }

    public Task<RunStatusSnapshot> Complete()
    {
        _interrupted = false;
        return MoveTo(RunStatus.Completed);
    }

    public Task<RunStatusSnapshot> Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (_status != RunStatus.Failed) _failureReason = reason;
        _interrupted = false;
        return MoveTo(RunStatus.Failed);
    }

    public async Task<SubmitOutcome> SubmitStepResult(StepStamp stamp, string slotId, StepPayload payload)
    {
        ArgumentNullException.ThrowIfNull(slotId);
        ArgumentNullException.ThrowIfNull(payload);
        var verdict = StaleMessagePolicy.JudgeSubmission(
            _barrier.Position, stamp,
            isRunning: _status == RunStatus.Running,
            isRegistered: _roster.Contains(slotId),
            hasReported: _barrier.HasReported(slotId));
        if (verdict.Refusal is { } reason)
        {
            _refusals.Count(reason);
            // After a pause or the end of a run, the slots' last reports are refused as a matter of
            // course; every other refusal means a slot is out of step with the run.
            logger.Log(reason == RefusalReason.NotRunning ? LogLevel.Information : LogLevel.Warning,
                "Run {RunId}: refused step result from slot {SlotId} stamped {Stamp} at {Current}: {Reason}",
                RunId, slotId, stamp.ToString(), _barrier.Position.ToString(), reason);
            return new SubmitOutcome(reason, _barrier.Position, CompletedStep: false);
        }

        var completed = _barrier.Add(slotId, payload);
        if (completed is not null)
        {
            _lastCompleted = completed;
            _completedSteps++;
            logger.LogDebug("Run {RunId}: step {Step} completed in generation {Generation} by {Slots} slots",
                RunId, completed.Stamp.Step, completed.Stamp.Generation, completed.Contributions.Count);
            ResolveWaiters(new StepWaitOutcome(StepWaitStatus.Completed, completed, _barrier.Position));
            var position = _barrier.Position;
            if (_plan is { } plan && position.Step >= plan.PlannedSteps)
                await MoveTo(RunStatus.Completed);
            else if (_pauseAt is { } stop && position.Step >= stop)
            {
                _pauseAt = null;
                if (_hold == RunHold.None) Record(RunEventKind.Paused, $"paused at the boundary before step {stop}, as asked");
                await MoveTo(RunStatus.Paused);
            }
            return new SubmitOutcome(null, position, CompletedStep: true);
        }
        return new SubmitOutcome(null, _barrier.Position, CompletedStep: false);
    }

    public async Task<StepWaitOutcome> WaitForStep(StepStamp stamp, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (_lastCompleted is { } last && last.Stamp == stamp)
            return new StepWaitOutcome(StepWaitStatus.Completed, last, _barrier.Position);
        if (RunLifecycle.IsFinal(_status))
            return new StepWaitOutcome(StepWaitStatus.RunEnded, null, _barrier.Position);
        var verdict = StaleMessagePolicy.JudgeStamp(_barrier.Position, stamp);
        if (verdict.Refusal is { } reason)
            return new StepWaitOutcome(StepWaitStatus.Refused, null, _barrier.Position, reason);

        _openStepWaiters ??= new TaskCompletionSource<StepWaitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingWaits++;
        try
        {
            return await _openStepWaiters.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return new StepWaitOutcome(StepWaitStatus.TimedOut, null, _barrier.Position);
        }
        finally
        {
            _pendingWaits--;
        }
    }

    public Task<StepResult?> GetStepResult(long step) =>
        Task.FromResult(_lastCompleted is { } last && last.Stamp.Step == step ? last : null);

    public Task<RunStatusSnapshot> GetStatus() => Task.FromResult(Snapshot());

    private void OnMembershipChanged()
    {
        _barrier.Reopen(_roster.Generation, _roster.SlotIds);
        logger.LogInformation("Run {RunId}: generation {Generation} with {SlotCount} slots; step {Step} restarts",
            RunId, _roster.Generation, _roster.Count, _barrier.Position.Step);
        ResolveWaiters(new StepWaitOutcome(StepWaitStatus.Superseded, null, _barrier.Position));
    }

    private Task<RunStatusSnapshot> MoveTo(RunStatus target)
    {
        if (!RunLifecycle.Move(_status, target)) return Task.FromResult(Snapshot());
        logger.LogInformation("Run {RunId}: {From} -> {To}", RunId, _status, target);
        var from = _status;
        _status = target;
        if (RunLifecycle.IsFinal(target))
        {
            RecordEnding(target);
            CancelHold();
            ResolveWaiters(new StepWaitOutcome(StepWaitStatus.RunEnded, null, _barrier.Position));
        }
        else if (from == RunStatus.Running && target == RunStatus.Paused && _barrier.ReportedSlots.Count > 0)
        {
            // Paused between two slots' reports: the reported ones wait for a step that can no
            // longer complete. The step restarts under a new generation when the run goes on, so
            // their waits end now and nothing of the half-done attempt can be mixed in later.
            _roster.Renew();
            OnMembershipChanged();
        }
        return PersistThenSnapshot(statusChanged: true);
    }

    private async Task<RunStatusSnapshot> PersistThenSnapshot(bool statusChanged)
    {
        var snapshot = Snapshot();
        await Persist(statusChanged);
        return snapshot;
    }

    /// <summary>
    /// Writes the record after every earlier write has finished (writes overlap when a launch's
    /// slots register while it awaits them); each write carries the state as it is when it runs.
    /// A status change also goes to the run catalog, which is how restarting silos find the run.
    /// </summary>
    private Task Persist(bool statusChanged)
    {
        _lastWrite = WriteAfter(_lastWrite, statusChanged);
        return _lastWrite;
    }

    private async Task WriteAfter(Task previous, bool statusChanged)
    {
        try { await previous; }
        catch (Exception) { /* its caller got the error; this write carries the newer state anyway */ }
        var record = state.State;
        record.Settings = _settings;
        record.Plan = _plan;
        record.Status = PersistedStatus;
        record.FailureReason = _failureReason;
        record.Generation = _roster.Generation;
        SaveTimeline(record);
        await state.WriteStateAsync();
        if (statusChanged)
            await GrainFactory.GetGrain<IRunCatalogGrain>(IRunCatalogGrain.Key).Record(RunId, record.Status);
    }

    /// <summary>An interrupted run, or one held at a boundary for a new silo or a leader's
    /// handover, is still running as far as storage goes: it is to be resumed.</summary>
    private RunStatus PersistedStatus => _interrupted || _hold != RunHold.None ? RunStatus.Running : _status;

    private void ResolveWaiters(StepWaitOutcome outcome)
    {
        _openStepWaiters?.TrySetResult(outcome);
        _openStepWaiters = null;
    }

    private void ThrowIfFinal(string action)
    {
        if (RunLifecycle.IsFinal(_status))
            throw new InvalidOperationException($"run {RunId} is {_status}; cannot {action}");
    }

    private RunStatusSnapshot Snapshot() => new(
        RunId, _status, _failureReason, _barrier.Position, _completedSteps,
        _roster.Snapshot(), _barrier.ReportedSlots, _refusals.Snapshot(), _pendingWaits, _interrupted,
        _plan?.PlannedSteps, GrainContext.Address.SiloAddress, _failuresSurvived);
}
