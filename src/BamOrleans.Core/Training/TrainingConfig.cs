using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives;

namespace BamOrleans.Core.Training;

/// <summary>Everything that decides a training run's result. Two runs with equal configs (and the
/// same data and thread count, on CPU) produce the same parameters.</summary>
public sealed record TrainingConfig
{
    public long Seed { get; init; } = 0;

    /// <summary>Images per step over all slots (each image yields <c>Objective.Views</c> views).</summary>
    public int GlobalBatch { get; init; } = 128;

    /// <summary>Planned length of the run; the schedules span exactly this many steps.</summary>
    public long Steps { get; init; } = 600;

    /// <summary>The self-supervised objective: "bam" (the default), "swav" or "pirl"
    /// (<see cref="ObjectiveCatalog"/>). Each reads its own options below.</summary>
    public string Method { get; init; } = Objectives.Bam.BamObjective.Name;

    /// <summary>BAM's options (also its views when <see cref="Method"/> is "bam").</summary>
    public BamOptions Objective { get; init; } = new();

    /// <summary>SwAV's options (read when <see cref="Method"/> is "swav").</summary>
    public Objectives.Swav.SwavOptions Swav { get; init; } = new();

    /// <summary>PIRL's options (read when <see cref="Method"/> is "pirl").</summary>
    public Objectives.Pirl.PirlOptions Pirl { get; init; } = new();

    public EncoderOptions Encoder { get; init; } = EncoderOptions.ForFashionMnist();

    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.ForSmallImages(28);

    public OptimizationOptions Optimization { get; init; } = new();

    /// <summary>The objective this config trains.</summary>
    public ITrainingObjective TrainingObjective() => ObjectiveCatalog.For(this);

    /// <summary>The encoder the run trains: <see cref="Encoder"/> plus what its objective adds
    /// (SwAV's prototypes). Build replicas, load checkpoints and export with these.</summary>
    public EncoderOptions Model => ObjectiveCatalog.IsKnown(Method)
        ? Encoder with { Prototypes = TrainingObjective().Prototypes }
        : Encoder;

    /// <summary>All problems with this config, one line each naming the setting and the fix.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (GlobalBatch < 2)
            problems.Add($"globalBatch = {GlobalBatch}: BAM needs at least 2 images per step (other images are its negatives); use ≥ 2, typically 128–1024.");
        if (Steps < 1)
            problems.Add($"steps = {Steps}: must be ≥ 1.");
        if (!ObjectiveCatalog.IsKnown(Method))
            problems.Add(ObjectiveCatalog.Unknown(Method));
        problems.AddRange(Objective.Validate().Select(p => "objective: " + p));
        if (Method == Objectives.Swav.SwavObjective.Name)
            problems.AddRange(Swav.Validate());
        if (Method == Objectives.Pirl.PirlObjective.Name)
            problems.AddRange(Pirl.Validate());
        problems.AddRange(Encoder.Validate().Select(p => "encoder: " + p));
        problems.AddRange(Augmentation.Validate().Select(p => "augmentation: " + p));
        problems.AddRange(Optimization.Validate());
        if (Objective.TopK > 0 && Objective.TopK > Objective.TargetViews * GlobalBatch)
            problems.Add($"objective.topK = {Objective.TopK} exceeds the {Objective.TargetViews * GlobalBatch} target columns: lower topK or raise globalBatch.");
        return problems;
    }
}
