namespace BamOrleans.Grains.Data;

/// <summary>
/// What a run's data pool needs to know: how many samples, how they are cut into shards, how many
/// a global step consumes, and the seed of the visiting orders. Sample indices only — what an index
/// means (a file, an IDX record) is the slot's business.
/// </summary>
/// <param name="Seed">Seed of the per-epoch shard orders.</param>
/// <param name="DatasetSize">Number of samples, indexed 0..DatasetSize-1.</param>
/// <param name="ShardCount">Number of contiguous shards the indices are cut into.</param>
/// <param name="GlobalBatch">Samples per training step, over all slots together.</param>
/// <param name="MemoryWidth">Width of the run's memory bank (one unit vector per sample, kept by
/// <see cref="IMemoryBankShardGrain"/>s beside the data shards); 0 = the run keeps no memory bank.</param>
[GenerateSerializer, Immutable, Alias("bam.DataPoolSettings")]
public sealed record DataPoolSettings(
    [property: Id(0)] long Seed,
    [property: Id(1)] int DatasetSize,
    [property: Id(2)] int ShardCount,
    [property: Id(3)] int GlobalBatch,
    [property: Id(4)] int MemoryWidth = 0)
{
    /// <summary>Whole global batches per epoch; the tail that does not fill one is dropped (drop-last, as <c>EpochSampler</c> does).</summary>
    public int StepsPerEpoch => DatasetSize / GlobalBatch;

    /// <summary>The epoch a step belongs to.</summary>
    public int EpochOf(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return checked((int)(step / StepsPerEpoch));
    }

    /// <summary>The samples each of <paramref name="slotCount"/> slots draws per step; throws unless they split the global batch exactly.</summary>
    public int BatchPerSlot(int slotCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotCount, 1);
        if (GlobalBatch % slotCount != 0)
            throw new ArgumentException(
                $"the global batch of {GlobalBatch} does not split evenly over {slotCount} slots: " +
                $"run a number of slots that divides {GlobalBatch}, or change the global batch", nameof(slotCount));
        return GlobalBatch / slotCount;
    }

    /// <summary>The range of dataset indices shard <paramref name="shard"/> owns.</summary>
    public ShardRange RangeOf(int shard) => ShardRange.Of(DatasetSize, ShardCount, shard);

    /// <summary>Every problem with these settings, each saying how to fix it; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (DatasetSize < 1)
            problems.Add($"DatasetSize is {DatasetSize}: the pool needs a dataset of at least one sample");
        if (ShardCount < 1)
            problems.Add($"ShardCount is {ShardCount}: cut the dataset into at least one shard");
        else if (DatasetSize >= 1 && ShardCount > DatasetSize)
            problems.Add($"ShardCount {ShardCount} exceeds DatasetSize {DatasetSize}, which would leave shards empty: use at most {DatasetSize} shards");
        if (GlobalBatch < 1)
            problems.Add($"GlobalBatch is {GlobalBatch}: a step must draw at least one sample");
        else if (DatasetSize >= 1 && GlobalBatch > DatasetSize)
            problems.Add($"GlobalBatch {GlobalBatch} exceeds DatasetSize {DatasetSize}, so an epoch would hold no step: lower the batch size");
        if (MemoryWidth < 0)
            problems.Add($"MemoryWidth is {MemoryWidth}: use 0 for a run without a memory bank, or the embedding width (e.g. 128) for one with");
        return problems;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new ArgumentException($"invalid data pool settings {this}: {string.Join("; ", problems)}");
    }
}
