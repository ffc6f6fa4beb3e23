using BamOrleans.Client;
using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Core.Training;
using BamOrleans.Worker.Runs;
using Xunit.Abstractions;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>
/// The property the whole design rests on: W worker slots training through the real grains
/// (data pool, aggregator, gradient shards, run barrier) on in-process silos take the same steps
/// as the single-process trainer on the concatenated global batch — same samples, same views,
/// same losses, same parameters, up to float32 reordering — and every replica ends bit-identical.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class ClusterEquivalenceTests(InProcessCluster cluster, ITestOutputHelper output)
{
    private const int Steps = 3;

    private static readonly PixelNormalizer Normalizer = PixelNormalizer.FashionMnist;

    public static TheoryData<int, int, int, int, bool> Shapes => new()
    {
        // silos, slots per silo, local views, top-k, EMA teacher
        { 1, 1, 0, 0, false },
        { 2, 1, 0, 0, false },
        { 3, 1, 2, 0, false },
        { 1, 2, 2, 5, false },
        { 2, 1, 2, 0, true },
        { 3, 1, 0, 4, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task W_slots_equal_the_single_process_trainer_on_the_concatenated_batch(
        int silos, int slotsPerSilo, int localViews, int topK, bool ema)
    {
        var config = Config(localViews, topK, ema, NormKind.Group);
        var run = await Train(config, silos, slotsPerSilo);

        var result = await SingleProcessReference.Replay(run, config, SyntheticDatasets.Images, Normalizer, cluster.Log);
        output.WriteLine($"W = {run.SlotKeys.Count}: worst loss difference {result.MaxRelativeLossDifference:g3} (relative), " +
                         $"worst parameter difference {result.MaxParameterDifference:g3} (tolerance {SingleProcessReference.ParameterTolerance(config):g3})");
        Assert.True(result.MaxRelativeLossDifference <= SingleProcessReference.LossTolerance, $"loss differs by {result.MaxRelativeLossDifference:g3}");
        Assert.True(result.MaxParameterDifference <= SingleProcessReference.ParameterTolerance(config), $"parameters differ by {result.MaxParameterDifference:g3}");
        await SingleProcessReference.AssertReplicasIdentical(run, Steps);
    }

    /// <summary>SwAV and PIRL through the same grains: the leader's Sinkhorn codes (SwAV, with
    /// multi-crop and frozen prototypes) and the memory bank read and written through the data
    /// pool (PIRL) give the steps the single-process trainer takes on the same samples.</summary>
    [Theory]
    [InlineData("swav", 2)]
    [InlineData("swav", 3)]
    [InlineData("pirl", 2)]
    [InlineData("pirl", 3)]
    public async Task Other_objectives_on_W_slots_equal_the_single_process_trainer(string method, int silos)
    {
        var config = Config(localViews: 2, topK: 0, ema: false, NormKind.Group) with
        {
            Method = method,
            Swav = new SwavOptions { LocalViews = 2, Prototypes = 10, FreezePrototypesSteps = 1 },
            Pirl = new PirlOptions { Negatives = 16 },
        };
        var run = await Train(config, silos, slotsPerSilo: 1);

        var result = await SingleProcessReference.Replay(run, config, SyntheticDatasets.Images, Normalizer, cluster.Log);
        output.WriteLine($"{method} W = {run.SlotKeys.Count}: worst loss difference {result.MaxRelativeLossDifference:g3} (relative), " +
                         $"worst parameter difference {result.MaxParameterDifference:g3} (tolerance {SingleProcessReference.ParameterTolerance(config):g3})");
        Assert.True(result.MaxRelativeLossDifference <= SingleProcessReference.LossTolerance, $"loss differs by {result.MaxRelativeLossDifference:g3}");
        Assert.True(result.MaxParameterDifference <= SingleProcessReference.ParameterTolerance(config), $"parameters differ by {result.MaxParameterDifference:g3}");
        await SingleProcessReference.AssertReplicasIdentical(run, Steps);
        if (method == "swav")
            Assert.Contains("prototypes.weight", (await run.ExportModel()).Tensors.Keys);
    }

    [Fact]
    public async Task Replicas_stay_identical_with_batch_norm_because_running_statistics_are_averaged_too()
    {
        var run = await Train(Config(localViews: 0, topK: 0, ema: false, NormKind.Batch), silos: 3, slotsPerSilo: 1);
        var exported = await run.ExportModel();
        Assert.Contains(exported.Tensors.Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));
        await SingleProcessReference.AssertReplicasIdentical(run, Steps);
    }

    [Fact]
    public async Task A_different_sample_moves_parameters_far_beyond_the_tolerance()
    {
        var config = Config(localViews: 0, topK: 0, ema: false, NormKind.Group);
        var run = await Train(config, silos: 2, slotsPerSilo: 1);
        // One sample of step 0 swapped for an image outside the batch: the comparison must notice.
        var result = await SingleProcessReference.Replay(run, config, SyntheticDatasets.Images, Normalizer, cluster.Log,
            (step, samples) =>
            {
                if (step == 0) samples[0] = Enumerable.Range(0, SyntheticDatasets.Count).First(i => !samples.Contains(i));
            });
        output.WriteLine($"one sample changed: worst parameter difference {result.MaxParameterDifference:g3}");
        Assert.True(result.MaxParameterDifference > 10 * SingleProcessReference.ParameterTolerance(config),
            $"a changed sample moved parameters by only {result.MaxParameterDifference:g3}");
    }

    private async Task<ClusterRun> Train(TrainingConfig config, int silos, int slotsPerSilo)
    {
        var definition = new RunDefinition(config, SyntheticDatasets.Spec, Normalizer.Mean, Normalizer.Std, DataShards: 4);
        var run = new ClusterRun(cluster.Client, $"eq-{Guid.NewGuid():N}", cluster.Log);
        await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo, silos);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Assert.Equal(config.Steps, await run.WaitUntilDone(config.Steps, budget: null, cancellation: deadline.Token));
        return run;
    }

    /// <summary>A small but complete config: 12 images per step (splits over 1, 2, 3 slots),
    /// per-sample norms so the slot split is exact (batch norm is per slot, as in DDP).</summary>
    internal static TrainingConfig Config(int localViews, int topK, bool ema, NormKind projectorNorm, int side = SyntheticDatasets.Side) => new()
    {
        Seed = 11,
        GlobalBatch = 12,
        Steps = Steps,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = localViews, TargetViews = 2, TopK = topK, UseEmaTeacher = ema },
        Encoder = EncoderOptions.ForFashionMnist() with { Width = 8, ProjectorNorm = projectorNorm },
        Augmentation = AugmentationOptions.ForSmallImages(side),
        Optimization = new OptimizationOptions { WarmupSteps = 0 },
    };
}
