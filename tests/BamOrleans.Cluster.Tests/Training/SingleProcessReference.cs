using BamOrleans.Client;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Training;
using static TorchSharp.torch;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>
/// Replays a finished cluster run in the single-process trainer — each step on the samples the
/// slots drew, concatenated in slot order — and measures how far the two ended up apart.
/// </summary>
internal static class SingleProcessReference
{
    /// <summary>Tolerance for the per-step loss, relative: the slots' shares are float32 sums taken
    /// in another order than the single process's (measured: at most 1.5e-7).</summary>
    public const double LossTolerance = 1e-6;

    /// <summary>Tolerance for the parameters, absolute, as a fraction of one step's learning rate.
    /// AdamW divides each update by the gradient's running RMS, so float32 rounding in a near-zero
    /// gradient element moves that weight by a fraction of the learning rate (measured: at most 3%
    /// of one step's over three steps); one changed sample moves weights by several learning rates.</summary>
    public static double ParameterTolerance(TrainingConfig c) => 0.1 * c.Optimization.BaseLearningRate * c.GlobalBatch / 256.0;

    /// <param name="MaxRelativeLossDifference">Worst step's |loss_cluster − loss_single| / |loss_single|.</param>
    /// <param name="MaxParameterDifference">Worst |θ_cluster − θ_single| over all parameters after the run.</param>
    /// <param name="Steps">Steps replayed.</param>
    public sealed record Comparison(double MaxRelativeLossDifference, double MaxParameterDifference, int Steps);

    /// <param name="tamper">Changes the samples of a step before the reference takes it (for the negative control).</param>
    public static async Task<Comparison> Replay(ClusterRun run, TrainingConfig config, IImageDataset data, PixelNormalizer normalizer,
        Serilog.ILogger log, Action<long, int[]>? tamper = null)
    {
        var histories = await Task.WhenAll(Enumerable.Range(0, run.SlotKeys.Count).Select(w => run.History(w)));
        using var reference = new SingleProcessTrainer(config, data, normalizer, log);
        double worstLoss = 0;
        for (var step = 0; step < config.Steps; step++)
        {
            var records = histories.Select(h => h.Single(r => r.Step == step)).ToList();
            Assert.Equal(Enumerable.Range(0, records.Count), records.Select(r => r.SlotIndex));
            Assert.All(records, r => Assert.Equal(records.Count, r.SlotCount));
            Assert.All(records, r => Assert.Equal(records[0].Loss, r.Loss));
            var samples = records.SelectMany(r => r.Samples).ToArray();
            Assert.Equal(samples.Length, samples.Distinct().Count());
            tamper?.Invoke(step, samples);
            var expected = reference.Step(samples);
            worstLoss = Math.Max(worstLoss, Math.Abs(records[0].Loss - expected.Loss) / Math.Abs(expected.Loss));
        }
        var parameters = MaxDifference(await run.ExportModel(), reference.Model);
        return new Comparison(worstLoss, parameters, (int)config.Steps);
    }

    /// <summary>Fails unless every slot applied every step and all replicas hold the same bits:
    /// the parameter checksums, and every exported tensor (buffers included) byte for byte.</summary>
    public static async Task AssertReplicasIdentical(ClusterRun run, long steps)
    {
        var reports = await run.Reports();
        Assert.All(reports, r => Assert.Equal(steps, r.CompletedSteps));
        Assert.Single(reports.Select(r => r.ParameterChecksum).Distinct());
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
}
