using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Runs;

/// <summary>The run's answer to a slot registration: the stamp the slot must use from now on.</summary>
/// <param name="Current">Run id, the generation the slot now belongs to, and the open step.</param>
/// <param name="GenerationChanged">False when the slot was already registered on the same silo (nothing changed).</param>
[GenerateSerializer, Immutable, Alias("bam.SlotRegistration")]
public sealed record SlotRegistration(
    [property: Id(0)] StepStamp Current,
    [property: Id(1)] bool GenerationChanged);
