namespace BamOrleans.Grains.Steps;

/// <summary>One slot's accepted report in a completed step.</summary>
[GenerateSerializer, Immutable, Alias("bam.SlotContribution")]
public sealed record SlotContribution(
    [property: Id(0)] string SlotId,
    [property: Id(1)] StepPayload Payload);

/// <summary>
/// A completed step: the stamp it completed under and every slot's contribution, ordered by slot id
/// (ordinal) so the result does not depend on arrival order.
/// </summary>
[GenerateSerializer, Immutable, Alias("bam.StepResult")]
public sealed record StepResult(
    [property: Id(0)] StepStamp Stamp,
    [property: Id(1)] IReadOnlyList<SlotContribution> Contributions);
