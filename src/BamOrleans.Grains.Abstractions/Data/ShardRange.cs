namespace BamOrleans.Grains.Data;

/// <summary>The contiguous dataset indices one shard owns: [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <param name="Start">First dataset index of the shard.</param>
/// <param name="Count">Number of samples in the shard (at least one).</param>
[GenerateSerializer, Immutable, Alias("bam.ShardRange")]
public readonly record struct ShardRange(
    [property: Id(0)] int Start,
    [property: Id(1)] int Count)
{
    /// <summary>One past the last index of the shard.</summary>
    public int End => Start + Count;

    /// <summary>
    /// Shard <paramref name="shard"/> of a dataset of <paramref name="datasetSize"/> samples cut into
    /// <paramref name="shardCount"/> contiguous ranges as equal as possible: the first
    /// <c>datasetSize % shardCount</c> shards hold one sample more. A pure function, so the pool,
    /// the shards and any slot agree on the cut without asking each other.
    /// </summary>
    public static ShardRange Of(int datasetSize, int shardCount, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, shardCount);
        if (shard < 0 || shard >= shardCount)
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"a dataset cut into {shardCount} shards has shards 0..{shardCount - 1}");
        var size = datasetSize / shardCount;
        var extra = datasetSize % shardCount;
        return new ShardRange(shard * size + Math.Min(shard, extra), size + (shard < extra ? 1 : 0));
    }

    public override string ToString() => $"[{Start}, {End})";
}
