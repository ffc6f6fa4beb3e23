using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// What an operator does to a run (resume, cancel) and the run's timeline: every launch, loss,
/// join, departure, pause and ending is recorded with the step and generation, persisted with the
/// run, so `bam run status` and the run's report can tell what it survived.
/// </summary>
internal sealed partial class RunGrain
{
    private List<RunEvent> _events = [];
    private int _failuresSurvived;

    // The run's silo announced leaving: its next activation, elsewhere, is a handover, not a loss.
    private bool _handingOver;

    // Why a client cancelled the run, for the timeline's Cancelled entry.
    private string? _cancelReason;

    public async Task<RunStatusSnapshot> Resume()
    {
        ThrowIfFinal("resume");
        if (_settings is null || _plan is null)
            throw new InvalidOperationException($"run {RunId} was never launched: submit it first (bam run submit)");
        // Running, or held at a boundary for a join or a departure: it goes on by itself.
        if (_status == RunStatus.Running || _hold != RunHold.None) return Snapshot();
        if (_roster.Count > 0)
        {
            Record(RunEventKind.Continued, "resumed by a client with its slots in place");
            return await Start();
        }
        var usable = ElasticMembership.UsableSilos(_plan.Pool.GlobalBatch, _plan.SlotsPerSilo,
            RunSlotLayout.ActiveCount(membership.CurrentSnapshot), _plan.Silos);
        if (usable == 0)
            throw new InvalidOperationException(
                $"run {RunId} has no active silo whose slots can split its global batch of {_plan.Pool.GlobalBatch}: start a bam-silo, then resume again");
        return (await LayOut(_plan, "resumed by a client", usable)).Status;
    }

    public Task<RunStatusSnapshot> Cancel(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (_status == RunStatus.Cancelled) return Task.FromResult(Snapshot());
        ThrowIfFinal("cancel");
        _interrupted = false;
        _cancelReason = reason;
        return MoveTo(RunStatus.Cancelled);
    }

    public Task<IReadOnlyList<RunEvent>> GetEvents() => Task.FromResult<IReadOnlyList<RunEvent>>(_events.ToList());

    /// <summary>Adds a timeline entry at the current step and generation; the caller's next
    /// <see cref="Persist"/> writes it.</summary>
    private void Record(RunEventKind kind, string detail)
    {
        var entry = new RunEvent(DateTime.UtcNow, _barrier.Position.Step, _roster.Generation, kind, detail);
        RunEvents.Append(_events, entry);
        if (entry.IsFailure) _failuresSurvived++;
    }

    /// <summary>The timeline entry for a status move into <paramref name="target"/>, if it has one.</summary>
    private void RecordEnding(RunStatus target)
    {
        switch (target)
        {
            case RunStatus.Completed: Record(RunEventKind.Completed, $"{_barrier.Position.Step} steps done"); break;
            case RunStatus.Failed: Record(RunEventKind.Failed, _failureReason ?? "failed"); break;
            case RunStatus.Cancelled: Record(RunEventKind.Cancelled, _cancelReason ?? "cancelled by a client"); break;
        }
    }

    private void LoadTimeline(RunRecord record)
    {
        _events = record.Events.ToList();
        _failuresSurvived = record.FailuresSurvived;
        _handingOver = record.HandingOver;
    }

    private void SaveTimeline(RunRecord record)
    {
        record.Events = _events.ToList();
        record.FailuresSurvived = _failuresSurvived;
        record.HandingOver = _handingOver;
    }
}
