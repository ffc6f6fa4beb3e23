using BamOrleans.Core.Training;

namespace BamOrleans.Core.Tests.Training;

public class EpochSamplerTests
{
    [Fact]
    public void Every_sample_of_an_epoch_is_seen_exactly_once_apart_from_the_dropped_tail()
    {
        var sampler = new EpochSampler(seed: 7, datasetSize: 103, globalBatch: 10);
        Assert.Equal(10, sampler.StepsPerEpoch);

        var seen = Enumerable.Range(0, sampler.StepsPerEpoch).SelectMany(s => sampler.IndicesFor(s)).ToList();

        Assert.Equal(100, seen.Count);
        Assert.Equal(100, seen.Distinct().Count());
        Assert.All(seen, i => Assert.InRange(i, 0, 102));
    }

    [Fact]
    public void The_order_is_a_function_of_seed_and_epoch_only()
    {
        var a = new EpochSampler(seed: 3, datasetSize: 50, globalBatch: 5);
        var b = new EpochSampler(seed: 3, datasetSize: 50, globalBatch: 5);

        // b computes step 23 (epoch 2) first: no hidden state may leak between epochs.
        Assert.Equal(a.IndicesFor(23), b.IndicesFor(23));
        Assert.Equal(a.IndicesFor(4), b.IndicesFor(4));
        Assert.NotEqual(a.OrderOf(0), a.OrderOf(1));
        Assert.NotEqual(a.OrderOf(0), new EpochSampler(seed: 4, datasetSize: 50, globalBatch: 5).OrderOf(0));
    }

    [Fact]
    public void Steps_map_to_epochs_by_whole_batches()
    {
        var sampler = new EpochSampler(seed: 0, datasetSize: 25, globalBatch: 8);
        Assert.Equal(3, sampler.StepsPerEpoch);
        Assert.Equal(0, sampler.EpochOf(2));
        Assert.Equal(1, sampler.EpochOf(3));
        Assert.Equal(sampler.OrderOf(1).Take(8), sampler.IndicesFor(3));
    }

    [Fact]
    public void A_batch_larger_than_the_dataset_is_refused_with_the_fix()
    {
        var e = Assert.Throws<ArgumentException>(() => new EpochSampler(seed: 0, datasetSize: 4, globalBatch: 8));
        Assert.Contains("lower the batch size", e.Message);
    }
}
