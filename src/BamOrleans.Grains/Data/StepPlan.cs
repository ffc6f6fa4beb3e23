namespace BamOrleans.Grains.Data;

/// <summary>A slot reads <see cref="Count"/> samples of shard <see cref="Shard"/>'s epoch order from position <see cref="From"/>.</summary>
internal readonly record struct ShardTake(int Shard, int From, int Count);

/// <summary>How a lease changed while planning: leased from the pool (no <see cref="From"/>), returned (no <see cref="To"/>) or taken over.</summary>
internal readonly record struct LeaseMove(int Shard, string? From, string? To)
{
    public bool IsSteal => From is not null && To is not null;

    public bool IsReturn => From is not null && To is null;
}

/// <summary>The draws of one step for every slot, and the ledger as it will be once the step is committed.</summary>
/// <param name="Epoch">The step's epoch.</param>
/// <param name="SlotIds">The slot list the plan is for, in slot order.</param>
/// <param name="Takes">Per slot (same order as <paramref name="SlotIds"/>), the shard ranges it reads, in reading order.</param>
/// <param name="End">The ledger after the step.</param>
/// <param name="Moves">Lease changes, in the order they happened.</param>
internal sealed record StepPlan(
    int Epoch,
    IReadOnlyList<string> SlotIds,
    IReadOnlyList<IReadOnlyList<ShardTake>> Takes,
    LeaseBook End,
    IReadOnlyList<LeaseMove> Moves)
{
    /// <summary>Every take of the step, whichever slot makes it.</summary>
    public IEnumerable<ShardTake> AllTakes => Takes.SelectMany(t => t);

    /// <summary>The shards this step reads (whose positions a commit moves).</summary>
    public IReadOnlyList<int> TouchedShards => AllTakes.Select(t => t.Shard).Distinct().Order().ToList();

    /// <summary>Slot <paramref name="slot"/>'s indices, given how to read one take (the shard order's slice).</summary>
    public int[] IndicesOf(int slot, Func<ShardTake, int[]> read) => Takes[slot].SelectMany(read).ToArray();
}
