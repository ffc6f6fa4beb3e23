namespace BamOrleans.Core.Training;

public enum OptimizerKind
{
    AdamW,
    Lars,
}

/// <summary>
/// Optimizer and schedule settings. Defaults follow the official BAM recipe (AdamW, linear LR
/// scaling per 256 images, cosine schedules with warm-up, weight decay 0.04 → 0.4 on weights only,
/// per-parameter gradient clipping), with a larger base LR suited to short runs of small encoders.
/// </summary>
public sealed record OptimizationOptions
{
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>LR per 256 images; the applied peak LR is this × global batch / 256.</summary>
    public double BaseLearningRate { get; init; } = 2e-3;

    public double MinLearningRate { get; init; } = 1e-6;

    /// <summary>Linear LR warm-up; runs shorter than 10× this warm up for a tenth of their steps.</summary>
    public int WarmupSteps { get; init; } = 50;

    public double WeightDecay { get; init; } = 0.04;

    public double WeightDecayEnd { get; init; } = 0.4;

    /// <summary>Per-parameter gradient-norm clip (official BAM/DINO style); 0 turns it off.</summary>
    public double GradientClip { get; init; } = 3.0;

    /// <summary>EMA teacher momentum, cosine from this value to <see cref="EmaMomentumEnd"/>.</summary>
    public double EmaMomentum { get; init; } = 0.996;

    public double EmaMomentumEnd { get; init; } = 1.0;

    public IEnumerable<string> Validate()
    {
        if (!(BaseLearningRate > 0))
            yield return $"optimization.baseLearningRate = {BaseLearningRate}: must be > 0 (e.g. 2e-3).";
        if (MinLearningRate < 0 || MinLearningRate > BaseLearningRate)
            yield return $"optimization.minLearningRate = {MinLearningRate}: must be in [0, baseLearningRate].";
        if (WarmupSteps < 0)
            yield return $"optimization.warmupSteps = {WarmupSteps}: must be ≥ 0 (e.g. 50).";
        if (WeightDecay < 0 || WeightDecayEnd < 0)
            yield return "optimization.weightDecay / weightDecayEnd: must be ≥ 0 (official: 0.04 → 0.4).";
        if (GradientClip < 0)
            yield return $"optimization.gradientClip = {GradientClip}: must be ≥ 0 (0 turns clipping off).";
        if (EmaMomentum is < 0 or > 1 || EmaMomentumEnd is < 0 or > 1)
            yield return "optimization.emaMomentum / emaMomentumEnd: must be in [0, 1] (official: 0.996 → 1).";
    }
}
