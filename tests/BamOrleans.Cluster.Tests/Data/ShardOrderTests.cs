using BamOrleans.Grains.Data;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The pure pieces every process shares: the cut into shards, each shard's epoch order, keys and settings.</summary>
public sealed class ShardOrderTests
{
    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(100, 6)]
    [InlineData(1, 1)]
    public void Shards_cut_the_dataset_into_contiguous_ranges_as_equal_as_possible(int datasetSize, int shardCount)
    {
        var ranges = Enumerable.Range(0, shardCount).Select(j => ShardRange.Of(datasetSize, shardCount, j)).ToList();
        Assert.Equal(0, ranges[0].Start);
        for (var j = 1; j < shardCount; j++) Assert.Equal(ranges[j - 1].End, ranges[j].Start);
        Assert.Equal(datasetSize, ranges[^1].End);
        Assert.True(ranges.Max(r => r.Count) - ranges.Min(r => r.Count) <= 1);
        Assert.All(ranges, r => Assert.True(r.Count >= 1));
    }

    [Fact]
    public void An_order_is_a_permutation_of_exactly_the_shards_range()
    {
        var settings = new DataPoolSettings(Seed: 11, DatasetSize: 103, ShardCount: 4, GlobalBatch: 8);
        for (var shard = 0; shard < settings.ShardCount; shard++)
        {
            var range = settings.RangeOf(shard);
            var order = ShardOrder.Of(settings.Seed, epoch: 2, shard, range);
            Assert.Equal(Enumerable.Range(range.Start, range.Count), order.Order());
        }
    }

    [Fact]
    public void Same_inputs_give_the_same_order_and_epoch_shard_or_seed_change_it()
    {
        var range = new ShardRange(40, 50);
        var order = ShardOrder.Of(5, 3, 1, range);
        Assert.Equal(order, ShardOrder.Of(5, 3, 1, range));
        Assert.NotEqual(order, ShardOrder.Of(5, 4, 1, range));
        Assert.NotEqual(order, ShardOrder.Of(5, 3, 2, range));
        Assert.NotEqual(order, ShardOrder.Of(6, 3, 1, range));
        // (epoch, shard) = (3, 1) and (1, 3) are different streams.
        Assert.NotEqual(order, ShardOrder.Of(5, 1, 3, range));
    }

    [Fact]
    public void The_order_is_pinned_so_every_process_and_version_agrees() =>
        // If this changes, every run in flight would see a different sequence after an upgrade.
        Assert.Equal(PinnedOrder, ShardOrder.Of(seed: 42, epoch: 1, shard: 2, new ShardRange(20, 10)));

    // Recomputed independently with BamOrleans.Core's SplitMix64 (the generator this assembly copies).
    private static readonly int[] PinnedOrder = [22, 20, 26, 25, 28, 27, 29, 23, 24, 21];

    [Fact]
    public void Shard_keys_round_trip_even_when_run_ids_hold_slashes()
    {
        Assert.Equal("run-7/3", DataShardKey.Of("run-7", 3));
        Assert.Equal(("team/run-7", 12), DataShardKey.Parse(DataShardKey.Of("team/run-7", 12)));
        Assert.Throws<ArgumentException>(() => DataShardKey.Parse("run-7"));
        Assert.Throws<ArgumentException>(() => DataShardKey.Parse("run-7/x"));
        Assert.Throws<ArgumentException>(() => DataShardKey.Parse("/3"));
    }

    [Fact]
    public void Settings_list_every_problem_and_name_the_fix()
    {
        Assert.Empty(new DataPoolSettings(1, 100, 10, 32).Validate());
        Assert.Equal(3, new DataPoolSettings(1, 0, 0, 0).Validate().Count);
        var tooMany = new DataPoolSettings(1, 10, 11, 20).Validate();
        Assert.Equal(2, tooMany.Count);
        Assert.Contains(tooMany, p => p.Contains("use at most 10 shards"));
        Assert.Contains(tooMany, p => p.Contains("lower the batch size"));
        var error = Assert.Throws<ArgumentException>(() => new DataPoolSettings(1, 10, 11, 20).EnsureValid());
        Assert.Contains("ShardCount 11", error.Message);
    }

    [Fact]
    public void Steps_per_epoch_drop_the_last_partial_batch_and_slots_must_split_the_global_batch()
    {
        var settings = new DataPoolSettings(1, DatasetSize: 103, ShardCount: 5, GlobalBatch: 12);
        Assert.Equal(8, settings.StepsPerEpoch);
        Assert.Equal(0, settings.EpochOf(7));
        Assert.Equal(1, settings.EpochOf(8));
        Assert.Equal(4, settings.BatchPerSlot(3));
        var error = Assert.Throws<ArgumentException>(() => settings.BatchPerSlot(5));
        Assert.Contains("does not split evenly over 5 slots", error.Message);
    }
}
