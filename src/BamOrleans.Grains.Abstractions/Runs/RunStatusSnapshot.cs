using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Runs;

/// <summary>A copy of a run's state at one moment, for clients, dashboards and tests.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Status">Lifecycle status.</param>
/// <param name="FailureReason">Why the run failed, when <paramref name="Status"/> is Failed.</param>
/// <param name="Current">The current generation and the open (not yet completed) step.</param>
/// <param name="CompletedSteps">Steps completed since the run started.</param>
/// <param name="Slots">Registered slots of the current generation: slot id → silo address.</param>
/// <param name="ReportedSlots">Slots that already reported for the open step.</param>
/// <param name="Refusals">Refused step messages by reason (reasons never seen are absent).</param>
/// <param name="PendingWaits">Calls to <see cref="IRunGrain.WaitForStep"/> now waiting on the open step.</param>
/// <param name="Interrupted">The run was running when its slots were lost (read back from storage
/// with no slot); it counts as paused until <see cref="IRunGrain.Recover"/> or <see cref="IRunGrain.Launch"/> resumes it.</param>
/// <param name="PlannedSteps">The run's planned length (null before it is launched).</param>
/// <param name="Host">The silo the run grain lives on: the leader, with the aggregator and data pool.</param>
/// <param name="FailuresSurvived">Silo losses the run went on after (see <see cref="RunEvent.IsFailure"/>), over its whole life.</param>
[GenerateSerializer, Immutable, Alias("bam.RunStatusSnapshot")]
public sealed record RunStatusSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunStatus Status,
    [property: Id(2)] string? FailureReason,
    [property: Id(3)] StepStamp Current,
    [property: Id(4)] long CompletedSteps,
    [property: Id(5)] IReadOnlyDictionary<string, SiloAddress> Slots,
    [property: Id(6)] IReadOnlyList<string> ReportedSlots,
    [property: Id(7)] IReadOnlyDictionary<RefusalReason, long> Refusals,
    [property: Id(8)] int PendingWaits,
    [property: Id(9)] bool Interrupted = false,
    [property: Id(10)] long? PlannedSteps = null,
    [property: Id(11)] SiloAddress? Host = null,
    [property: Id(12)] int FailuresSurvived = 0)
{
    /// <summary>All refusals, whatever the reason.</summary>
    public long TotalRefusals => Refusals.Values.Sum();

    /// <summary>Refusals counted under one reason.</summary>
    public long RefusalsFor(RefusalReason reason) => Refusals.GetValueOrDefault(reason);
}
