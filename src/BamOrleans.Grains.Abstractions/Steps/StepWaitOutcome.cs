namespace BamOrleans.Grains.Steps;

/// <summary>How a wait on a step barrier ended.</summary>
[GenerateSerializer, Alias("bam.StepWaitStatus")]
public enum StepWaitStatus
{
    /// <summary>Every slot of the generation reported; <see cref="StepWaitOutcome.Result"/> holds the step.</summary>
    Completed = 1,

    /// <summary>Membership changed before the step completed: redo the step under <see cref="StepWaitOutcome.Current"/>.</summary>
    Superseded = 2,

    /// <summary>The wait's own time limit passed; the step is still open.</summary>
    TimedOut = 3,

    /// <summary>The stamp does not name the open step nor the last completed one.</summary>
    Refused = 4,

    /// <summary>The run completed or failed while waiting.</summary>
    RunEnded = 5,
}

/// <summary>The run's answer to a wait on a step barrier.</summary>
/// <param name="Status">How the wait ended.</param>
/// <param name="Result">The completed step when <paramref name="Status"/> is <see cref="StepWaitStatus.Completed"/>.</param>
/// <param name="Current">The run's open position when the wait ended.</param>
/// <param name="Refusal">Why the stamp was refused, when <paramref name="Status"/> is <see cref="StepWaitStatus.Refused"/>.</param>
[GenerateSerializer, Immutable, Alias("bam.StepWaitOutcome")]
public sealed record StepWaitOutcome(
    [property: Id(0)] StepWaitStatus Status,
    [property: Id(1)] StepResult? Result,
    [property: Id(2)] StepStamp Current,
    [property: Id(3)] RefusalReason? Refusal = null);
