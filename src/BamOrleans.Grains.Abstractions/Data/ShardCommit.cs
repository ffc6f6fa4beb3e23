namespace BamOrleans.Grains.Data;

/// <summary>The pool telling a shard how far a completed step consumed it.</summary>
/// <param name="Step">The step whose draws are now final.</param>
/// <param name="Epoch">The epoch of that step.</param>
/// <param name="Position">The shard's position in that epoch's order after the step.</param>
[GenerateSerializer, Immutable, Alias("bam.ShardCommit")]
public readonly record struct ShardCommit(
    [property: Id(0)] long Step,
    [property: Id(1)] int Epoch,
    [property: Id(2)] int Position);
