namespace BamOrleans.Grains.Runs;

/// <summary>
/// A run's configuration, opaque to the grains: a document and the format it is written in
/// (e.g. "yaml" or "json"). The training side parses it; the run grain only stores and returns it,
/// so the grains do not depend on the trainer's option types.
/// </summary>
[GenerateSerializer, Immutable, Alias("bam.RunSettings")]
public sealed record RunSettings(
    [property: Id(0)] string Format,
    [property: Id(1)] string Document);
