using System.Reflection;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;
using BamOrleans.Tests.Shared;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>A tiny dataset, config and trainer so checkpoint tests train for real in seconds.</summary>
internal static class TinyRun
{
    public const string RunDefinition = """{"runId":"r1","seed":1,"note":"opaque to the checkpoint library ✓"}""";

    public static readonly ILogger Silent = new LoggerConfiguration().CreateLogger();

    /// <summary>Images with structure (a bright square at a per-image place) rather than noise.</summary>
    public static InMemoryImageDataset Squares(int count, int size = 28) => SquareImages.Make(count, size);

    public static TrainingConfig Config(bool ema = false, int width = 4) => new()
    {
        Seed = 1,
        GlobalBatch = 8,
        Steps = 8,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = 0, TargetViews = 2, UseEmaTeacher = ema },
        Encoder = EncoderOptions.ForFashionMnist() with { Width = width, ProjectorHiddenDim = 16, ProjectorOutDim = 8 },
        Augmentation = AugmentationOptions.ForSmallImages(28),
        Optimization = new OptimizationOptions { WarmupSteps = 1 },
    };

    public static SingleProcessTrainer Trainer(TrainingConfig config) =>
        new(config, Squares(24), PixelNormalizer.FashionMnist, Silent);

    public static string DataState(long nextStep) => $$"""{"epoch":0,"shards":[{"id":0,"position":{{nextStep * 8}}}]}""";

    /// <summary>The trainer's optimizer. SingleProcessTrainer does not expose it (nor a way to resume);
    /// until it does, tests reach it by reflection, and fail clearly if the field is renamed.</summary>
    public static IOptimizer OptimizerOf(SingleProcessTrainer trainer) =>
        typeof(SingleProcessTrainer).GetField("_optimizer", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(trainer) as IOptimizer
        ?? throw new InvalidOperationException("SingleProcessTrainer has no field _optimizer any more: update TinyRun.OptimizerOf.");

    /// <summary>Moves a fresh trainer to the step it resumes at (NextStep has a private setter).</summary>
    public static void SetNextStep(SingleProcessTrainer trainer, long step)
    {
        var setter = typeof(SingleProcessTrainer).GetProperty(nameof(SingleProcessTrainer.NextStep))?.GetSetMethod(nonPublic: true)
            ?? throw new InvalidOperationException("SingleProcessTrainer.NextStep has no setter any more: update TinyRun.SetNextStep.");
        setter.Invoke(trainer, [step]);
    }

    /// <summary>Snapshot of a trainer between steps.</summary>
    public static CheckpointSnapshot Snapshot(SingleProcessTrainer trainer) =>
        CheckpointSnapshot.Take(trainer.NextStep, (int)(trainer.NextStep / trainer.StepsPerEpoch), trainer.Model, trainer.Teacher,
            OptimizerOf(trainer), RunDefinition, DataState(trainer.NextStep));

    /// <summary>A snapshot of an untrained encoder and optimizer labelled with any step (for queue and pruning tests).</summary>
    public static CheckpointSnapshot Snapshot(Encoder model, IOptimizer optimizer, long nextStep) =>
        CheckpointSnapshot.Take(nextStep, 0, model, null, optimizer, RunDefinition, DataState(nextStep));

    /// <summary>Every named tensor's raw bytes, for bit-for-bit comparison.</summary>
    public static Dictionary<string, byte[]> Bytes(IEnumerable<(string Name, Tensor Tensor)> tensors) =>
        tensors.ToDictionary(t => t.Name, t => HostCopy.ToHost(t.Name, t.Tensor).Data);

    public static Dictionary<string, byte[]> Bytes(Encoder encoder) =>
        Bytes(encoder.state_dict().Select(kv => (kv.Key, kv.Value)));

    /// <summary>The first tensor whose bytes differ, or null when all are equal.</summary>
    public static string? FirstDifference(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual) =>
        expected.Keys.Order(StringComparer.Ordinal).FirstOrDefault(name => !actual.TryGetValue(name, out var bytes) || !expected[name].AsSpan().SequenceEqual(bytes));

    public static void AssertSame(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"tensor '{name}' differs");
    }
}
