namespace BamOrleans.Grains.Steps;

/// <summary>The run's answer to a step submission.</summary>
/// <param name="Refusal">Null when accepted; otherwise why it was refused (and counted).</param>
/// <param name="Current">The run's open position after this submission, so a refused sender can resynchronise.</param>
/// <param name="CompletedStep">True when this submission was the last one the step waited for.</param>
[GenerateSerializer, Immutable, Alias("bam.SubmitOutcome")]
public sealed record SubmitOutcome(
    [property: Id(0)] RefusalReason? Refusal,
    [property: Id(1)] StepStamp Current,
    [property: Id(2)] bool CompletedStep)
{
    public bool Accepted => Refusal is null;
}
