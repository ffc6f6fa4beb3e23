using BamOrleans.Client;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>
/// The property the whole design rests on: W worker slots training through the real grains
/// (data pool, aggregator, gradient shards, run barrier) on in-process silos take the same steps
/// as the single-process trainer on the concatenated global batch — same samples, same views,
/// same losses, same parameters, up to float32 reordering — and every replica ends bit-identical.
/// </summary>
[Collection(TrainingClusterCollection.Name)]
public sealed class ClusterEquivalenceTests(TrainingClusterFixture cluster, ITestOutputHelper output)
{
    private const int Steps = 3;

    /// <summary>Per-step loss: the slots' shares are averaged in float64 from float32 sums taken
    /// in another order than the single process's.</summary>
    private const double LossTolerance = 2e-5;

    /// <summary>Parameters after <see cref="Steps"/> AdamW steps, absolute, against weights of
    /// order 0.1–1. AdamW normalises each update by its running RMS, so a float32-rounding
    /// difference in a near-zero gradient can move a weight by a fraction of the learning rate;
    /// the bound is 1% of one step's learning rate and far below what one changed sample does
    /// (checked below by <see cref="A_different_sample_moves_parameters_far_beyond_the_tolerance"/>).</summary>
    private static double ParameterTolerance(TrainingConfig c) => 0.01 * LearningRate(c);

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
        var histories = await Task.WhenAll(Enumerable.Range(0, run.SlotKeys.Count).Select(w => run.History(w)));

        using var reference = new SingleProcessTrainer(config, SyntheticDatasets.Images, Normalizer, cluster.Log);
        for (var step = 0; step < Steps; step++)
        {
            var records = histories.Select(h => h.Single(r => r.Step == step)).ToList();
            Assert.All(records, r => Assert.Equal(run.SlotKeys.Count, r.SlotCount));
            Assert.Equal(Enumerable.Range(0, records.Count), records.Select(r => r.SlotIndex));
            var samples = records.SelectMany(r => r.Samples).ToArray();
            Assert.Equal(samples.Length, samples.Distinct().Count());

            var expected = reference.Step(samples);
            var loss = records[0].Loss;
            Assert.All(records, r => Assert.Equal(loss, r.Loss));
            output.WriteLine($"step {step}: cluster loss {loss:R}, single {expected.Loss:R}, diff {Math.Abs(loss - expected.Loss):g3}");
            Assert.True(Math.Abs(loss - expected.Loss) <= LossTolerance * Math.Abs(expected.Loss),
                $"step {step}: cluster loss {loss:R} vs single-process {expected.Loss:R}");
        }

        var exported = await run.ExportModel();
        var worst = MaxDifference(exported, reference.Model);
        output.WriteLine($"W = {run.SlotKeys.Count}: max |Δparameter| = {worst:g3} (tolerance {ParameterTolerance(config):g3})");
        Assert.True(worst <= ParameterTolerance(config), $"parameters differ by {worst:g3} > {ParameterTolerance(config):g3}");
        await AssertReplicasIdentical(run);
    }

    [Fact]
    public async Task Replicas_stay_identical_with_batch_norm_because_running_statistics_are_averaged_too()
    {
        var run = await Train(Config(localViews: 0, topK: 0, ema: false, NormKind.Batch), silos: 3, slotsPerSilo: 1);
        await AssertReplicasIdentical(run);
        var exported = await run.ExportModel();
        Assert.Contains(exported.Tensors.Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_different_sample_moves_parameters_far_beyond_the_tolerance()
    {
        var config = Config(localViews: 0, topK: 0, ema: false, NormKind.Group);
        var run = await Train(config, silos: 2, slotsPerSilo: 1);
        var histories = await Task.WhenAll(Enumerable.Range(0, 2).Select(w => run.History(w)));
        using var reference = new SingleProcessTrainer(config, SyntheticDatasets.Images, Normalizer, cluster.Log);
        for (var step = 0; step < Steps; step++)
        {
            var samples = histories.SelectMany(h => h.Single(r => r.Step == step).Samples).ToArray();
            // One sample swapped for an image outside the batch: the comparison must notice.
            if (step == 0) samples[0] = Enumerable.Range(0, SyntheticDatasets.Count).First(i => !samples.Contains(i));
            reference.Step(samples);
        }
        var worst = MaxDifference(await run.ExportModel(), reference.Model);
        output.WriteLine($"one sample changed: max |Δparameter| = {worst:g3}");
        Assert.True(worst > 10 * ParameterTolerance(config), $"a changed sample moved parameters by only {worst:g3}");
    }

    private async Task<ClusterRun> Train(TrainingConfig config, int silos, int slotsPerSilo)
    {
        var definition = new RunDefinition(config, SyntheticDatasets.Spec, Normalizer.Mean, Normalizer.Std, DataShards: 4);
        var run = new ClusterRun(cluster.Client, $"eq-{Guid.NewGuid():N}", cluster.Log);
        await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo, silos);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var done = await run.WaitUntilDone(config.Steps, budget: null, cancellation: deadline.Token);
        Assert.Equal(config.Steps, done);
        return run;
    }

    private static async Task AssertReplicasIdentical(ClusterRun run)
    {
        var reports = await run.Reports();
        Assert.All(reports, r => Assert.Equal(Steps, r.CompletedSteps));
        Assert.Single(reports.Select(r => r.ParameterChecksum).Distinct());
        // Checksums cover parameters; compare every exported tensor, buffers included, bit for bit.
        var first = await run.ExportModel(0);
        for (var w = 1; w < run.SlotKeys.Count; w++)
        {
            var other = await run.ExportModel(w);
            foreach (var (name, block) in first.Tensors)
                Assert.True(block.Data.AsSpan().SequenceEqual(other.Tensors[name].Data), $"slot {w} differs from slot 0 in {name}");
        }
    }

    private static double MaxDifference(ModelSnapshot exported, Encoder reference)
    {
        using var scope = NewDisposeScope();
        double worst = 0;
        foreach (var (name, value) in reference.named_parameters())
        {
            var theirs = TensorWire.ToTensor(exported.Tensors[name], name);
            worst = Math.Max(worst, (theirs - value.detach()).abs().max().item<float>());
        }
        return worst;
    }

    private static readonly PixelNormalizer Normalizer = PixelNormalizer.FashionMnist;

    private static double LearningRate(TrainingConfig c) => c.Optimization.BaseLearningRate * c.GlobalBatch / 256.0;

    private static TrainingConfig Config(int localViews, int topK, bool ema, NormKind projectorNorm) => new()
    {
        Seed = 11,
        GlobalBatch = 12,
        Steps = Steps,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = localViews, TargetViews = 2, TopK = topK, UseEmaTeacher = ema },
        Encoder = EncoderOptions.ForFashionMnist() with { Width = 8, ProjectorNorm = projectorNorm },
        Augmentation = AugmentationOptions.ForSmallImages(SyntheticDatasets.Side),
        Optimization = new OptimizationOptions { WarmupSteps = 0 },
    };
}
