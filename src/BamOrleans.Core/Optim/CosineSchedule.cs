namespace BamOrleans.Core.Optim;

/// <summary>
/// Per-step schedule of the official DINO/BAM code (utils.cosine_scheduler), as a pure function:
/// <code>
/// step &lt; W:  start + (base − start) · step / (W − 1)          (np.linspace(start, base, W); W = 1 gives start)
/// step ≥ W:  final + ½(base − final)(1 + cos(π (step − W) / (T − W)))
/// </code>
/// with W warm-up steps out of T total. The last step (T − 1) is just short of final, as in the
/// original; steps past the end keep the last value.
/// </summary>
public sealed class CosineSchedule
{
    public CosineSchedule(double baseValue, double finalValue, long totalSteps, long warmupSteps = 0, double warmupStartValue = 0)
    {
        if (totalSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "Total steps must be ≥ 1.");
        if (warmupSteps < 0 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"Warm-up steps must be in [0, {totalSteps}].");
        BaseValue = baseValue;
        FinalValue = finalValue;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
        WarmupStartValue = warmupStartValue;
    }

    public double BaseValue { get; }
    public double FinalValue { get; }
    public long TotalSteps { get; }
    public long WarmupSteps { get; }
    public double WarmupStartValue { get; }

    /// <summary>DINO learning rate: base·globalBatch/256 after warm-up, cosine to <paramref name="finalLearningRate"/>.</summary>
    public static CosineSchedule LearningRate(
        double baseLearningRate, int globalBatch, double finalLearningRate, long totalSteps, long warmupSteps) =>
        new(baseLearningRate * globalBatch / 256.0, finalLearningRate, totalSteps, warmupSteps);

    /// <summary>DINO weight decay: 0.04 rising to 0.4 along the cosine, no warm-up.</summary>
    public static CosineSchedule WeightDecay(long totalSteps, double start = 0.04, double end = 0.4) =>
        new(start, end, totalSteps);

    /// <summary>EMA teacher momentum: 0.996 rising to 1 along the cosine, no warm-up.</summary>
    public static CosineSchedule TeacherMomentum(long totalSteps, double start = 0.996, double end = 1.0) =>
        new(start, end, totalSteps);

    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        step = Math.Min(step, TotalSteps - 1);
        if (step < WarmupSteps)
            return WarmupSteps == 1
                ? WarmupStartValue
                : WarmupStartValue + (BaseValue - WarmupStartValue) * step / (WarmupSteps - 1);
        var cosineSteps = TotalSteps - WarmupSteps;
        var progress = (double)(step - WarmupSteps) / cosineSteps;
        return FinalValue + 0.5 * (BaseValue - FinalValue) * (1 + Math.Cos(Math.PI * progress));
    }
}
