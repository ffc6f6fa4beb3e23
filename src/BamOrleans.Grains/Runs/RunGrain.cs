using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// One training run: settings, status, membership generation, registered slots and the step barrier.
/// The rules for accepting a step message live in <see cref="StaleMessagePolicy"/>; the slot set and
/// generation in <see cref="SlotRoster"/>; the gathering of one step in <see cref="StepBarrier"/>.
/// This class wires them together, answers waiters and logs.
/// </summary>
/// <remarks>
/// Every method but <see cref="WaitForStep"/> is synchronous (no await), so a wait running
/// interleaved with them never observes a half-applied change.
/// State is in memory for now (persistence to the blob store comes with the checkpoint work), so the
/// grain is kept active: an idle collection would silently forget a paused run's generation.
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class RunGrain(ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private readonly SlotRoster _roster = new();
    private readonly RefusalCounter _refusals = new();
    private StepBarrier _barrier = null!;
    private RunSettings? _settings;
    private RunStatus _status = RunStatus.Created;
    private string? _failureReason;
    private long _completedSteps;
    private StepResult? _lastCompleted;
    private long? _pauseAt;

    // Everyone waiting for the open step shares one completion; it is resolved (completed,
    // superseded or run ended) and dropped whenever the open position changes.
    private TaskCompletionSource<StepWaitOutcome>? _openStepWaiters;
    private int _pendingWaits;

    private string RunId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _barrier = new StepBarrier(new StepStamp(RunId, _roster.Generation, 0), _roster.SlotIds);
        return Task.CompletedTask;
    }

    public Task<RunStatusSnapshot> Create(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_settings is not null)
        {
            if (_settings == settings) return Task.FromResult(Snapshot());
            throw new InvalidOperationException($"run {RunId} already has settings; a run's settings cannot change");
        }
        if (_status != RunStatus.Created)
            throw new InvalidOperationException($"run {RunId} is {_status}; settings are given while Created");
        _settings = settings;
        logger.LogInformation("Run {RunId} created ({Format} settings, {Length} chars)", RunId, settings.Format, settings.Document.Length);
        return Task.FromResult(Snapshot());
    }

    public Task<RunSettings?> GetSettings() => Task.FromResult(_settings);

    public Task<RunStatusSnapshot> OpenAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (_barrier.Position.Step == step) return Task.FromResult(Snapshot());
        if (_status != RunStatus.Created || _completedSteps > 0 || _barrier.Position.Step != 0)
            throw new InvalidOperationException(
                $"run {RunId} is {_status} at step {_barrier.Position.Step}: a run opens at a checkpoint's step only while Created, before it trains");
        _barrier.MoveTo(step);
        _completedSteps = step;
        logger.LogInformation("Run {RunId} opens at step {Step} (resumed from a checkpoint)", RunId, step);
        return Task.FromResult(Snapshot());
    }

    public Task<SlotRegistration> RegisterSlot(string slotId, SiloAddress silo)
    {
        ThrowIfFinal("register a slot");
        var changed = _roster.Register(slotId, silo);
        if (changed)
        {
            logger.LogInformation("Run {RunId}: slot {SlotId} registered on {Silo}", RunId, slotId, silo);
            OnMembershipChanged();
        }
        return Task.FromResult(new SlotRegistration(_barrier.Position, changed));
    }

    public Task<RunStatusSnapshot> UnregisterSlot(string slotId)
    {
        if (_roster.Unregister(slotId))
        {
            logger.LogInformation("Run {RunId}: slot {SlotId} unregistered", RunId, slotId);
            OnMembershipChanged();
        }
        return Task.FromResult(Snapshot());
    }

    public Task<IReadOnlyList<string>> RemoveSlotsOnSilo(SiloAddress silo)
    {
        var removed = _roster.RemoveSilo(silo);
        if (removed.Count > 0)
        {
            logger.LogWarning("Run {RunId}: silo {Silo} lost, removing its slots {SlotIds}", RunId, silo, removed);
            OnMembershipChanged();
        }
        return Task.FromResult(removed);
    }

    public Task<RunStatusSnapshot> Start()
    {
        if (_status != RunStatus.Running)
        {
            if (_settings is null) throw new InvalidOperationException($"run {RunId} has no settings; call Create first");
            if (_roster.Count == 0) throw new InvalidOperationException($"run {RunId} has no registered slot");
        }
        return Task.FromResult(MoveTo(RunStatus.Running));
    }

    public Task<RunStatusSnapshot> Pause() => Task.FromResult(MoveTo(RunStatus.Paused));

    public Task<RunStatusSnapshot> PauseAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ThrowIfFinal("pause");
        if (_barrier.Position.Step >= step) return Task.FromResult(MoveTo(RunStatus.Paused));
        _pauseAt = step;
        return Task.FromResult(Snapshot());
    }

    public Task<RunStatusSnapshot> Complete() => Task.FromResult(MoveTo(RunStatus.Completed));

    public Task<RunStatusSnapshot> Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (_status != RunStatus.Failed) _failureReason = reason;
        return Task.FromResult(MoveTo(RunStatus.Failed));
    }

    public Task<SubmitOutcome> SubmitStepResult(StepStamp stamp, string slotId, StepPayload payload)
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
            return Task.FromResult(new SubmitOutcome(reason, _barrier.Position, CompletedStep: false));
        }

        var completed = _barrier.Add(slotId, payload);
        if (completed is not null)
        {
            _lastCompleted = completed;
            _completedSteps++;
            logger.LogDebug("Run {RunId}: step {Step} completed in generation {Generation} by {Slots} slots",
                RunId, completed.Stamp.Step, completed.Stamp.Generation, completed.Contributions.Count);
            ResolveWaiters(new StepWaitOutcome(StepWaitStatus.Completed, completed, _barrier.Position));
            if (_pauseAt is { } stop && _barrier.Position.Step >= stop)
            {
                _pauseAt = null;
                MoveTo(RunStatus.Paused);
            }
        }
        return Task.FromResult(new SubmitOutcome(null, _barrier.Position, CompletedStep: completed is not null));
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

    private RunStatusSnapshot MoveTo(RunStatus target)
    {
        if (RunLifecycle.Move(_status, target))
        {
            logger.LogInformation("Run {RunId}: {From} -> {To}", RunId, _status, target);
            _status = target;
            if (RunLifecycle.IsFinal(target))
                ResolveWaiters(new StepWaitOutcome(StepWaitStatus.RunEnded, null, _barrier.Position));
        }
        return Snapshot();
    }

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
        _roster.Snapshot(), _barrier.ReportedSlots, _refusals.Snapshot(), _pendingWaits);
}
