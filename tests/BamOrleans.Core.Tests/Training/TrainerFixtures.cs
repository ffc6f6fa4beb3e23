using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;

namespace BamOrleans.Core.Tests.Training;

/// <summary>A tiny dataset and config so trainer tests run in seconds on 2 cores.</summary>
internal static class TrainerFixtures
{
    /// <summary>Images with structure (a bright square at a per-image place) rather than noise.</summary>
    public static InMemoryImageDataset Squares(int count, int size = 28)
    {
        var pixels = new byte[count * size * size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var (row, col) = (i * 7 % (size - 8), i * 11 % (size - 8));
            for (var y = row; y < row + 8; y++)
                for (var x = col; x < col + 8; x++)
                    pixels[i * size * size + y * size + x] = (byte)(128 + i % 128);
            labels[i] = i % 4;
        }
        return new InMemoryImageDataset("squares", new ImageShape(1, size, size), pixels, labels, 4);
    }

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
