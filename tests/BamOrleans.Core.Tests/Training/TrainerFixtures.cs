using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;
using BamOrleans.Tests.Shared;

namespace BamOrleans.Core.Tests.Training;

/// <summary>A tiny dataset and config so trainer tests run in seconds on 2 cores.</summary>
internal static class TrainerFixtures
{
    /// <summary>Images with structure (a bright square at a per-image place) rather than noise.</summary>
    public static InMemoryImageDataset Squares(int count, int size = 28) => SquareImages.Make(count, size);

    public static TrainingConfig Small(long seed = 1, int localViews = 0, bool ema = false) => new()
    {
        Seed = seed,
        GlobalBatch = 8,
        Steps = 4,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = localViews, TargetViews = 2, UseEmaTeacher = ema },
        Encoder = EncoderOptions.ForFashionMnist() with { Width = 8, ProjectorHiddenDim = 32, ProjectorOutDim = 16 },
        Augmentation = AugmentationOptions.ForSmallImages(28),
        Optimization = new OptimizationOptions { WarmupSteps = 1 },
    };
}
