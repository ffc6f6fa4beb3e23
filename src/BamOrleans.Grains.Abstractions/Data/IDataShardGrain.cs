using Orleans.Concurrency;

namespace BamOrleans.Grains.Data;

/// <summary>
/// One contiguous shard of a run's dataset, keyed <c>{runId}/{shardIndex}</c> (see <see cref="DataShardKey"/>).
/// Owns its index range, its per-epoch visiting order (ShardOrder, in the grains) and its committed
/// position. It does not decide who reads it: leases belong to the run's <see cref="IDataPoolGrain"/>,
/// which reads planned positions here and commits them once a step is final.
/// </summary>
[Alias("bam.IDataShardGrain")]
public interface IDataShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Gives the shard the run's data settings (its index comes from its key). Repeating equal
    /// settings is a no-op; different settings throw, as a shard's range and orders cannot change.
    /// </summary>
    [Alias("Configure")]
    Task<DataShardState> Configure(DataPoolSettings settings);

    /// <summary>
    /// Positions [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>) of
    /// <paramref name="epoch"/>'s order, as dataset indices. Changes nothing: a read is only a plan
    /// until <see cref="Commit"/>. Reading before the committed position, or an epoch already
    /// left, throws, because those samples were consumed by a committed step.
    /// </summary>
    [Alias("Read")]
    Task<int[]> Read(int epoch, int from, int count);

    /// <summary>
    /// Records how far a completed step consumed the shard. A commit for a step at or before the
    /// committed one is a no-op (a retry, or a late copy); moving the position backwards throws.
    /// </summary>
    [Alias("Commit")]
    Task<DataShardState> Commit(ShardCommit commit);

    /// <summary>The committed position and range.</summary>
    [Alias("GetState"), ReadOnly]
    Task<DataShardState> GetState();

    /// <summary>Forgets everything: the activation ends, and the next call starts a fresh shard
    /// (its pool is being put back to a checkpoint's positions, see <see cref="IDataPoolGrain.Discard"/>).</summary>
    [Alias("Discard")]
    Task Discard();
}
