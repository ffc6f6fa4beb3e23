using BamOrleans.Core.Objectives;
using BamOrleans.Grains.Data;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The bank's starting rows: unit vectors that depend on (seed, index) only, never on the sharding.</summary>
public sealed class MemoryBankInitTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(128)]
    [InlineData(2049)] // wider than the stack buffer
    public void Every_row_is_a_unit_vector(int width)
    {
        for (var index = 0; index < 50; index++)
        {
            var row = MemoryBankInit.Row(7, index, width);
            Assert.Equal(width, row.Length);
            Assert.Equal(1.0, Math.Sqrt(row.Sum(v => (double)v * v)), 5);
        }
    }

    [Fact]
    public void A_row_is_the_same_every_time_and_differs_between_images_and_seeds()
    {
        Assert.Equal(MemoryBankInit.Row(7, 3, 128), MemoryBankInit.Row(7, 3, 128));
        Assert.NotEqual(MemoryBankInit.Row(7, 3, 128), MemoryBankInit.Row(7, 4, 128));
        Assert.NotEqual(MemoryBankInit.Row(7, 3, 128), MemoryBankInit.Row(8, 3, 128));
        // Gaussian directions: components of both signs, none dominating (not a fixed axis).
        var row = MemoryBankInit.Row(7, 3, 128);
        Assert.Contains(row, v => v > 0);
        Assert.Contains(row, v => v < 0);
        Assert.True(row.Max(Math.Abs) < 0.5f);
    }

    [Fact]
    public void The_starting_bank_is_the_same_however_it_is_sharded()
    {
        const int datasetSize = 23, width = 8;
        float[] Bank(int shards) =>
            Enumerable.Range(0, shards)
                .SelectMany(j => new MemoryBankShard(11, ShardRange.Of(datasetSize, shards, j), width).After(-1))
                .ToArray();

        var whole = Bank(1);
        Assert.Equal(Enumerable.Range(0, datasetSize).SelectMany(i => MemoryBankInit.Row(11, i, width)), whole);
        Assert.Equal(whole, Bank(4));
        Assert.Equal(whole, Bank(23));
    }
}
