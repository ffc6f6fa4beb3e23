using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Data;
using BamOrleans.Core.Evaluation;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints.Tests.Export;

/// <summary>The online k-NN monitor, measuring an exported encoder: its subsets are fixed by the
/// seed, and its accuracy is the k-NN classifier's on those very images, computed another way.</summary>
[Collection(TorchCollection.Name)]
public class KnnMonitorTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_monitor_equals_the_knn_classifier_on_the_same_subset(bool oneSource)
    {
        using var run = new ExportedRun();
        using var encoder = EncoderExport.ReadFile(run.WriteFile()).CreateEncoder();
        var memorySource = TinyRun.Squares(90);
        var querySource = oneSource ? memorySource : TinyRun.Squares(70);
        var normalizer = PixelNormalizer.FashionMnist;
        using var monitor = new KnnMonitor(memorySource, querySource, normalizer, new KnnMonitorOptions(MemorySize: 50, QuerySize: 30, Seed: 7));
        encoder.train();

        var measured = monitor.Measure(encoder, step: 2);

        Assert.True(encoder.training, "the monitor must leave the encoder in the mode it found it in");
        // Reference: every image's features in one pass, then the monitor's rows picked out.
        encoder.eval();
        using var scope = NewDisposeScope();
        var allMemory = FeatureExtractor.Extract(encoder.Features, memorySource, normalizer, batchSize: 1000);
        var allQueries = FeatureExtractor.Extract(encoder.Features, querySource, normalizer, batchSize: 1000);
        var memoryRows = tensor(monitor.MemoryIndices.Select(i => (long)i).ToArray());
        var queryRows = tensor(monitor.QueryIndices.Select(i => (long)i).ToArray());
        var reference = KnnClassifier.Evaluate(
            allMemory.index_select(0, memoryRows), FeatureExtractor.Labels(memorySource).index_select(0, memoryRows),
            allQueries.index_select(0, queryRows), FeatureExtractor.Labels(querySource).index_select(0, queryRows),
            memorySource.ClassCount);
        Assert.Equal(reference.Top1Accuracy, measured.Top1Accuracy);
        Assert.Equal(reference.Top5Accuracy, measured.Top5Accuracy);
        Assert.Equal(30, measured.TestCount);
        Assert.Equal(20, measured.K);
    }

    [Fact]
    public void The_subsets_are_fixed_by_the_seed_and_disjoint_when_drawn_from_one_source()
    {
        var images = TinyRun.Squares(100);
        var options = new KnnMonitorOptions(MemorySize: 60, QuerySize: 40, Seed: 3);
        using var first = new KnnMonitor(images, images, PixelNormalizer.FashionMnist, options);
        using var again = new KnnMonitor(images, images, PixelNormalizer.FashionMnist, options);
        using var other = new KnnMonitor(images, images, PixelNormalizer.FashionMnist, options with { Seed = 4 });

        Assert.Equal(first.MemoryIndices, again.MemoryIndices);
        Assert.Equal(first.QueryIndices, again.QueryIndices);
        Assert.NotEqual(first.MemoryIndices, other.MemoryIndices);
        Assert.Empty(first.MemoryIndices.Intersect(first.QueryIndices));
        Assert.Equal(Enumerable.Range(0, 100), first.MemoryIndices.Concat(first.QueryIndices).Order());
    }

    [Fact]
    public void Subsets_larger_than_the_data_are_refused_with_the_sizes()
    {
        var images = TinyRun.Squares(50);

        var e = Assert.Throws<ArgumentException>(() =>
            new KnnMonitor(images, images, PixelNormalizer.FashionMnist, new KnnMonitorOptions(MemorySize: 40, QuerySize: 20)));

        Assert.Contains("needs 60 images but 'squares' has 50", e.Message);
    }
}
