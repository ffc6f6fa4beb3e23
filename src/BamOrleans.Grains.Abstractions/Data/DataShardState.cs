namespace BamOrleans.Grains.Data;

/// <summary>A shard's committed consumption: the source of truth for how far it has been read.</summary>
/// <param name="RunId">The run the shard belongs to.</param>
/// <param name="Shard">The shard's index.</param>
/// <param name="Range">The dataset indices it owns; default before the shard is configured.</param>
/// <param name="Configured">Whether the shard has settings.</param>
/// <param name="CommittedStep">The last step that consumed this shard; -1 before any.</param>
/// <param name="Epoch">The epoch of that step. In any later epoch the shard starts again at position 0.</param>
/// <param name="Position">Samples of <paramref name="Epoch"/>'s order consumed by committed steps.</param>
[GenerateSerializer, Immutable, Alias("bam.DataShardState")]
public sealed record DataShardState(
    [property: Id(0)] string RunId,
    [property: Id(1)] int Shard,
    [property: Id(2)] ShardRange Range,
    [property: Id(3)] bool Configured,
    [property: Id(4)] long CommittedStep,
    [property: Id(5)] int Epoch,
    [property: Id(6)] int Position);
