namespace BamOrleans.Grains.Data;

/// <summary>
/// The pool's ledger after some step: the epoch, every shard's position in that epoch's order, who
/// leases each shard, and when it was leased (a slot reads its shards in lease order). The pool
/// keeps the committed book and plans each step on a copy, so an aborted attempt is simply dropped.
/// </summary>
/// <remarks>
/// Leases outlive epochs: at a new epoch every position goes back to 0 but a slot keeps its shards,
/// so it keeps reading the same part of the dataset (and whatever it cached of it).
/// </remarks>
internal sealed class LeaseBook
{
    private readonly int[] _positions;
    private readonly string?[] _holders;
    private readonly long[] _leasedAt;

    private LeaseBook(int epoch, int[] positions, string?[] holders, long[] leasedAt, long nextLease)
    {
        Epoch = epoch;
        _positions = positions;
        _holders = holders;
        _leasedAt = leasedAt;
        NextLease = nextLease;
    }

    /// <summary>Epoch 0, every shard at position 0 and free.</summary>
    public static LeaseBook Fresh(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return new LeaseBook(0, new int[shardCount], new string?[shardCount], new long[shardCount], 0);
    }

    public int Epoch { get; private set; }

    public int ShardCount => _positions.Length;

    /// <summary>Sequence number the next lease gets; orders a slot's shards by when it leased them.</summary>
    public long NextLease { get; private set; }

    public int PositionOf(int shard) => _positions[shard];

    public string? HolderOf(int shard) => _holders[shard];

    public long LeasedAt(int shard) => _leasedAt[shard];

    /// <summary>The shards <paramref name="slotId"/> leases, in the order it leased them.</summary>
    public IReadOnlyList<int> LeasesOf(string slotId) =>
        Enumerable.Range(0, ShardCount)
            .Where(j => string.Equals(_holders[j], slotId, StringComparison.Ordinal))
            .OrderBy(j => _leasedAt[j])
            .ToList();

    /// <summary>This ledger as the record a checkpoint stores.</summary>
    public DataPositions ToPositions(long afterStep, IReadOnlyList<string> slotOrder) =>
        new(afterStep, Epoch, (int[])_positions.Clone(), (string?[])_holders.Clone(), (long[])_leasedAt.Clone(), NextLease, slotOrder.ToArray());

    /// <summary>A ledger from a checkpoint's record; checks it fits <paramref name="shardCount"/> shards.
    /// With <paramref name="slotIds"/> as many as the record's slots, the leases pass rank for rank
    /// from the old slot ids to these; otherwise the old holders stay and their leases return to the
    /// pool at the next draw, positions intact.</summary>
    public static LeaseBook FromPositions(DataPositions positions, int shardCount, IReadOnlyList<string>? slotIds = null)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Positions.Length != shardCount || positions.Holders.Length != shardCount || positions.LeasedAt.Length != shardCount)
            throw new ArgumentException(
                $"the checkpoint's data positions cover {positions.Positions.Length} shards but the pool has {shardCount}: resume with the run's own data settings.",
                nameof(positions));
        if (positions.Epoch < 0 || positions.Positions.Any(p => p < 0))
            throw new ArgumentException("the checkpoint's data positions hold a negative epoch or position: the checkpoint is damaged.", nameof(positions));
        var holders = (string?[])positions.Holders.Clone();
        if (slotIds is not null && slotIds.Count == positions.SlotOrder.Length)
        {
            var rename = positions.SlotOrder.Select((old, w) => (old, w)).ToDictionary(p => p.old, p => slotIds[p.w], StringComparer.Ordinal);
            for (var j = 0; j < holders.Length; j++)
                if (holders[j] is { } old && rename.TryGetValue(old, out var now)) holders[j] = now;
        }
        return new LeaseBook(positions.Epoch, (int[])positions.Positions.Clone(), holders,
            (long[])positions.LeasedAt.Clone(), positions.NextLease);
    }

    public LeaseBook Clone() => new(Epoch, (int[])_positions.Clone(), (string?[])_holders.Clone(), (long[])_leasedAt.Clone(), NextLease);

    /// <summary>Moves to a later epoch: every shard starts its new order at position 0; leases stay.</summary>
    public void StartEpoch(int epoch)
    {
        if (epoch <= Epoch)
            throw new InvalidOperationException($"the ledger is at epoch {Epoch}; it only moves forward, not to epoch {epoch}");
        Epoch = epoch;
        Array.Clear(_positions);
    }

    public void Advance(int shard, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _positions[shard] += count;
    }

    /// <summary>Gives <paramref name="shard"/> to <paramref name="slotId"/> (from the pool or from another slot).</summary>
    public void Lease(int shard, string slotId)
    {
        _holders[shard] = slotId;
        _leasedAt[shard] = NextLease++;
    }

    /// <summary>Returns <paramref name="shard"/> to the pool; its position stays where it is.</summary>
    public void Release(int shard)
    {
        _holders[shard] = null;
        _leasedAt[shard] = 0;
    }
}
