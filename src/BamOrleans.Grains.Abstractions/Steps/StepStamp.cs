namespace BamOrleans.Grains.Steps;

/// <summary>
/// The identity every step message carries: which run, which membership generation, which step.
/// A receiver compares it with its own position (see <see cref="StaleMessagePolicy"/>) so a slot
/// that was declared dead and came back can never mix an old-generation result into a step.
/// </summary>
/// <param name="RunId">The run's id (the run grain's key).</param>
/// <param name="Generation">Membership generation; bumped by the run whenever its slot set changes.</param>
/// <param name="Step">Training step, counted from 0.</param>
[GenerateSerializer, Immutable, Alias("bam.StepStamp")]
public readonly record struct StepStamp(
    [property: Id(0)] string RunId,
    [property: Id(1)] long Generation,
    [property: Id(2)] long Step)
{
    public override string ToString() => $"{RunId}/g{Generation}/s{Step}";
}
