using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>A step exchange's state at one moment, for tests and the operator.</summary>
/// <param name="Silo">The silo the grain is active on.</param>
/// <param name="LastCompleted">The stamp of the last step all slots completed, or null.</param>
/// <param name="CompletedSteps">Steps completed since activation.</param>
/// <param name="Refusals">Refused messages by reason.</param>
[GenerateSerializer, Immutable, Alias("bam.ExchangeSnapshot")]
public sealed record ExchangeSnapshot(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] StepStamp? LastCompleted,
    [property: Id(2)] long CompletedSteps,
    [property: Id(3)] IReadOnlyDictionary<RefusalReason, long> Refusals)
{
    public long RefusalsFor(RefusalReason reason) => Refusals.GetValueOrDefault(reason);
}
