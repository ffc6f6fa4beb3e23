using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Data;
using BamOrleans.Silo;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// The run the chaos test and bench train: the multi-process tests' small BAM (width 8, 2 global +
/// 2 local views, EMA teacher, per-sample norms) on the tiny Fashion-MNIST set.
/// </summary>
internal static class ChaosRunDefinition
{
    /// <summary>Training images: 8 steps per epoch, no drop-last tail.</summary>
    public const int DatasetSize = 96;

    /// <summary>Divisible by 1, 2 and 3 slots: the global batch is kept and re-split whatever the survivors.</summary>
    public const int GlobalBatch = 12;

    /// <summary>Every 2 steps: bounds the work lost with the leader or with everything.</summary>
    public const int CheckpointEvery = 2;

    public static RunDefinition For(string dataDirectory, long steps)
    {
        var config = new TrainingConfig
        {
            Seed = 11,
            GlobalBatch = GlobalBatch,
            Steps = steps,
            Objective = new BamOptions { GlobalViews = 2, LocalViews = 2, TargetViews = 2, TopK = 0, UseEmaTeacher = true },
            // Group norms everywhere: per-sample, so how the batch is split over slots does not
            // change the math (batch norm would normalise over each slot's own share).
            Encoder = EncoderOptions.ForFashionMnist() with { Width = 8, ProjectorNorm = NormKind.Group },
            Augmentation = AugmentationOptions.ForSmallImages(28),
            Optimization = new OptimizationOptions { WarmupSteps = 0 },
        };
        var normalizer = PixelNormalizer.FashionMnist;
        return new RunDefinition(config, new DatasetSpec(LocalDatasetProvider.FashionMnistKind, dataDirectory, 28),
            normalizer.Mean, normalizer.Std, DataShards: 6)
        {
            CheckpointEverySteps = CheckpointEvery,
            KeepCheckpoints = 3,
        };
    }
}
