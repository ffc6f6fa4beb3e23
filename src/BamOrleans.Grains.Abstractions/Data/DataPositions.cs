namespace BamOrleans.Grains.Data;

/// <summary>
/// The data pool's ledger after one step: what a checkpoint stores so that a resumed run draws
/// exactly the samples the uninterrupted run would have — every shard's position in the epoch's
/// order, who leased it, and in what order (a slot reads its shards in lease order).
/// </summary>
/// <param name="AfterStep">The last step these positions include.</param>
/// <param name="Epoch">The epoch the positions are in.</param>
/// <param name="Positions">Per shard, how many of its samples this epoch has used.</param>
/// <param name="Holders">Per shard, the slot id leasing it, or null in the pool.</param>
/// <param name="LeasedAt">Per shard, the lease's sequence number (orders a slot's shards).</param>
/// <param name="NextLease">The sequence number the next lease gets.</param>
/// <param name="SlotOrder">The slot ids of the step's generation, in slot order: a resumed run's
/// new slots take over the leases of the old ones rank for rank, so slot w keeps reading the
/// shards slot w read.</param>
[GenerateSerializer, Immutable, Alias("bam.DataPositions")]
public sealed record DataPositions(
    [property: Id(0)] long AfterStep,
    [property: Id(1)] int Epoch,
    [property: Id(2)] int[] Positions,
    [property: Id(3)] string?[] Holders,
    [property: Id(4)] long[] LeasedAt,
    [property: Id(5)] long NextLease,
    [property: Id(6)] string[] SlotOrder);
