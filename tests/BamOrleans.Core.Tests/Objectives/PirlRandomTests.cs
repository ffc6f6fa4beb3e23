using System.Text.Json;
using BamOrleans.Core.Objectives;
using BamOrleans.Core.Objectives.Pirl;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>The counter streams behind the negatives and the initial bank: every slot and every
/// bank shard must get the same numbers from (seed, step) and (seed, row) alone.</summary>
public sealed class PirlRandomTests
{
    [Fact]
    public void Negatives_are_a_pure_function_of_seed_and_step()
    {
        var first = PirlMath.SampleNegatives(3, 11, 60000, 512);
        // Drawing other steps and seeds in between must not change the set (no hidden state).
        _ = PirlMath.SampleNegatives(3, 12, 60000, 512);
        _ = PirlMath.SampleNegatives(4, 11, 60000, 100);
        Assert.Equal(first, PirlMath.SampleNegatives(3, 11, 60000, 512));
        Assert.NotEqual(first, PirlMath.SampleNegatives(3, 12, 60000, 512));
        Assert.NotEqual(first, PirlMath.SampleNegatives(4, 11, 60000, 512));
    }

    [Fact]
    public void A_shorter_draw_is_a_prefix_of_a_longer_one()
    {
        var longer = PirlMath.SampleNegatives(5, 2, 1000, 300);
        Assert.Equal(longer.Take(100), PirlMath.SampleNegatives(5, 2, 1000, 100));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(60000)]
    public void Negatives_lie_in_the_dataset(int datasetSize)
    {
        var indices = PirlMath.SampleNegatives(9, 1, datasetSize, 4096);
        Assert.Equal(4096, indices.Length);
        Assert.All(indices, i => Assert.InRange(i, 0, datasetSize - 1));
    }

    [Fact]
    public void Negatives_are_uniform_over_the_dataset()
    {
        const int size = 10, count = 100_000;
        var histogram = new int[size];
        foreach (var i in PirlMath.SampleNegatives(1, 0, size, count))
            histogram[i]++;
        // Each bin's count has standard deviation ≈ 95; 600 is over six of them.
        Assert.All(histogram, h => Assert.InRange(h, count / size - 600, count / size + 600));
    }

    [Fact]
    public void Initial_rows_are_unit_vectors()
    {
        foreach (var width in new[] { 1, 2, 7, 128 })
            for (var index = 0; index < 50; index++)
            {
                var row = MemoryBankInit.Row(17, index, width);
                var norm = Math.Sqrt(row.Sum(v => (double)v * v));
                Assert.True(Math.Abs(norm - 1) < 1e-6, $"row {index} of width {width} has norm {norm}");
            }
    }

    [Fact]
    public void Initial_rows_differ_by_row_and_seed_and_are_centred()
    {
        Assert.NotEqual(MemoryBankInit.Row(0, 0, 8), MemoryBankInit.Row(0, 1, 8));
        Assert.NotEqual(MemoryBankInit.Row(0, 0, 8), MemoryBankInit.Row(1, 0, 8));
        // Gaussian directions: a component's mean over many rows is ≈ 0 (std of the mean ≈ 0.008).
        var mean = Enumerable.Range(0, 2000).Average(i => MemoryBankInit.Row(4, i, 8)[3]);
        Assert.InRange(mean, -0.05, 0.05);
    }

    [Fact]
    public void Streams_match_the_python_statement_of_the_algorithm()
    {
        // rng/counter_streams.json is written by pirl_reference.py's own SplitMix64 code, so a
        // change to the key derivation or the draws is caught rather than silently reshuffling runs.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(PirlFixture.Directory, "rng", "counter_streams.json")));
        var samples = doc.RootElement.GetProperty("negatives").EnumerateArray().ToList();
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(samples);
        Assert.NotEmpty(rows);
        foreach (var s in samples)
        {
            var expected = s.GetProperty("indices").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(expected, PirlMath.SampleNegatives(s.GetProperty("seed").GetInt64(), s.GetProperty("step").GetInt64(),
                s.GetProperty("dataset_size").GetInt32(), s.GetProperty("count").GetInt32()));
        }
        foreach (var r in rows)
        {
            var expected = r.GetProperty("row").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            var actual = MemoryBankInit.Row(r.GetProperty("seed").GetInt64(), r.GetProperty("index").GetInt32(), r.GetProperty("width").GetInt32());
            Assert.Equal(expected.Length, actual.Length);
            // Python keeps doubles, C# rounds to float: half a float ulp at most, plus libm's last bit.
            for (var i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) < 1e-7, $"component {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>("datasetSize", () => PirlMath.SampleNegatives(0, 0, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => PirlMath.SampleNegatives(0, 0, 10, 0));
    }
}
