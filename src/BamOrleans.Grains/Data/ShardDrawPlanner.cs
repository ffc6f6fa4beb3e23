namespace BamOrleans.Grains.Data;

/// <summary>
/// Plans one step's draws for all slots at once. Pure: the same ledger, epoch and slot list always
/// give the same plan, so the answer does not depend on which slot asks first, and a step redone
/// under a new generation is replanned from the very same ledger.
/// </summary>
/// <remarks>
/// In slot order, each slot fills its share of the batch:
/// <list type="number">
/// <item>from the shards it already leases, in the order it leased them, at their next positions;</item>
/// <item>when those run dry, by leasing the lowest-indexed free shard that has samples left;</item>
/// <item>when no free shard has any, by taking over the lease of the shard with the most samples
/// left (lowest index on ties) from another slot, so no slot starves while samples remain.</item>
/// </list>
/// Before that, leases of slots absent from the list return to the pool with their positions.
/// Within an epoch every step finds enough samples: with drop-last, step k of an epoch starts with
/// DatasetSize − k·GlobalBatch ≥ GlobalBatch samples left.
/// </remarks>
internal static class ShardDrawPlanner
{
    /// <param name="committed">The ledger after the previous step; not modified.</param>
    /// <param name="shardSizes">Samples per shard, by shard index.</param>
    /// <param name="epoch">The epoch of the step; a later one than the ledger's restarts every shard at 0.</param>
    /// <param name="slotIds">The generation's slots, in slot order.</param>
    /// <param name="batchPerSlot">Samples each slot draws.</param>
    public static StepPlan Plan(LeaseBook committed, IReadOnlyList<int> shardSizes, int epoch, IReadOnlyList<string> slotIds, int batchPerSlot)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(slotIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchPerSlot, 1);
        if (shardSizes.Count != committed.ShardCount)
            throw new ArgumentException($"the ledger has {committed.ShardCount} shards but {shardSizes.Count} shard sizes were given", nameof(shardSizes));
        if (epoch < committed.Epoch)
            throw new InvalidOperationException($"cannot plan epoch {epoch}: the ledger is already at epoch {committed.Epoch}");

        var book = committed.Clone();
        if (epoch > book.Epoch) book.StartEpoch(epoch);
        var moves = new List<LeaseMove>();

        var members = new HashSet<string>(slotIds, StringComparer.Ordinal);
        for (var j = 0; j < book.ShardCount; j++)
        {
            if (book.HolderOf(j) is { } holder && !members.Contains(holder))
            {
                book.Release(j);
                moves.Add(new LeaseMove(j, holder, null));
            }
        }

        var takes = new IReadOnlyList<ShardTake>[slotIds.Count];
        for (var w = 0; w < slotIds.Count; w++)
        {
            var slot = slotIds[w];
            var slotTakes = new List<ShardTake>();
            var need = batchPerSlot;
            while (need > 0)
            {
                var shard = OwnShardWithSamples(book, shardSizes, slot)
                            ?? LeaseFreeShard(book, shardSizes, slot, moves)
                            ?? StealFullestShard(book, shardSizes, slot, moves)
                            ?? throw new InvalidOperationException(
                                $"no shard has samples left for slot {slot} at epoch {epoch}: a step was planned past the end of the epoch (planner bug)");
                var from = book.PositionOf(shard);
                var count = Math.Min(need, shardSizes[shard] - from);
                slotTakes.Add(new ShardTake(shard, from, count));
                book.Advance(shard, count);
                need -= count;
            }
            takes[w] = slotTakes;
        }
        return new StepPlan(epoch, slotIds.ToArray(), takes, book, moves);
    }

    private static int Remaining(LeaseBook book, IReadOnlyList<int> sizes, int shard) => sizes[shard] - book.PositionOf(shard);

    private static int? OwnShardWithSamples(LeaseBook book, IReadOnlyList<int> sizes, string slot)
    {
        int? best = null;
        for (var j = 0; j < book.ShardCount; j++)
        {
            if (!string.Equals(book.HolderOf(j), slot, StringComparison.Ordinal) || Remaining(book, sizes, j) == 0) continue;
            if (best is null || book.LeasedAt(j) < book.LeasedAt(best.Value)) best = j;
        }
        return best;
    }

    private static int? LeaseFreeShard(LeaseBook book, IReadOnlyList<int> sizes, string slot, List<LeaseMove> moves)
    {
        for (var j = 0; j < book.ShardCount; j++)
        {
            if (book.HolderOf(j) is not null || Remaining(book, sizes, j) == 0) continue;
            book.Lease(j, slot);
            moves.Add(new LeaseMove(j, null, slot));
            return j;
        }
        return null;
    }

    private static int? StealFullestShard(LeaseBook book, IReadOnlyList<int> sizes, string slot, List<LeaseMove> moves)
    {
        int? best = null;
        for (var j = 0; j < book.ShardCount; j++)
        {
            // Every shard with samples is held by now (else a free one would have been leased), and
            // none by this slot (else it would have read it): any shard with samples is another's.
            if (Remaining(book, sizes, j) == 0) continue;
            if (best is null || Remaining(book, sizes, j) > Remaining(book, sizes, best.Value)) best = j;
        }
        if (best is { } shard)
        {
            moves.Add(new LeaseMove(shard, book.HolderOf(shard), slot));
            book.Lease(shard, slot);
        }
        return best;
    }
}
