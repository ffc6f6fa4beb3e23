namespace BamOrleans.Grains.Training;

/// <summary>
/// The objective of one step, sent by every slot with its upload: the leader rebuilds the
/// objective from it (by method and options text, through the core library's catalogue) and
/// refuses a step whose slots disagree, which would mean they run different configs.
/// </summary>
/// <param name="Method">The objective's name ("bam", "swav", "pirl").</param>
/// <param name="Options">Its options as canonical text (<c>ITrainingObjective.Describe</c>).</param>
/// <param name="EpochProgress">Step / steps per epoch: schedules counted in epochs (BAM's ε) read it.</param>
/// <param name="DatasetSize">Images in the training set: the range of per-image memory indices.</param>
/// <param name="Seed">The run's seed, for draws keyed by (seed, step) on the leader.</param>
[GenerateSerializer, Immutable, Alias("bam.StepObjective")]
public sealed record StepObjective(
    [property: Id(0)] string Method,
    [property: Id(1)] string Options,
    [property: Id(2)] double EpochProgress,
    [property: Id(3)] int DatasetSize,
    [property: Id(4)] long Seed);
