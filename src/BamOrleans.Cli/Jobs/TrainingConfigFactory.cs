using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Jobs;

/// <summary>Turns the command-line choices into a full training config sized for the data.</summary>
internal static class TrainingConfigFactory
{
    // Up to this side the small ResNet (stride-2 stem) is the right encoder; above it, ResNet-18.
    private const int SmallImageLimit = 64;

    public static TrainingConfig For(LocalJobOptions options, IImageDataset data)
    {
        var side = Math.Min(data.Shape.Height, data.Shape.Width);
        var small = side <= SmallImageLimit;
        var encoder = small
            ? EncoderOptions.ForFashionMnist() with { InChannels = data.Shape.Channels }
            : EncoderOptions.ForImageNet(EncoderArchitecture.ResNet18) with { InChannels = data.Shape.Channels };
        var augmentation = small ? AugmentationOptions.ForSmallImages(side) : AugmentationOptions.ForImageNet(side);
        return new TrainingConfig
        {
            Seed = options.Seed,
            GlobalBatch = options.GlobalBatch,
            Steps = options.Steps,
            Method = options.Method,
            Objective = new BamOptions
            {
                GlobalViews = 2,
                LocalViews = options.LocalViews,
                TargetViews = 2,
                UseEmaTeacher = options.UseEmaTeacher,
            },
            // SwAV's multi-crop takes the same small crops as BAM; PIRL has exactly 2 views and no
            // local crops, so --local-views leaves it at its defaults.
            Swav = new SwavOptions { LocalViews = options.LocalViews },
            Encoder = encoder,
            Augmentation = augmentation,
            Optimization = new OptimizationOptions { Optimizer = options.Optimizer, BaseLearningRate = options.BaseLearningRate },
        };
    }
}
