namespace BamOrleans.Core.Objective;

/// <summary>
/// The Sinkhorn regularisation ε over training: a linear move from <see cref="Start"/> to
/// <see cref="Final"/> during the first <see cref="WarmupEpochs"/> epochs, then constant.
/// A pure function of the epoch so every worker derives the same ε without coordination.
/// </summary>
/// <remarks>
/// At integer epochs it equals the official table <c>linspace(start, final, warmup)[epoch]</c>
/// (final afterwards), i.e. ε reaches <see cref="Final"/> at epoch <c>warmup − 1</c>. Between
/// integer epochs it interpolates linearly, so per-step callers can pass
/// <c>epoch + step / stepsPerEpoch</c>; pass a whole epoch to reproduce the official per-epoch
/// steps exactly.
/// </remarks>
public sealed record EpsilonSchedule
{
    /// <summary>Creates a schedule; both ends must be positive and finite, the warm-up ≥ 0.</summary>
    public EpsilonSchedule(double start, double final, int warmupEpochs)
    {
        if (!(start > 0) || double.IsInfinity(start))
            throw new ArgumentOutOfRangeException(nameof(start), start, "The starting ε must be positive and finite.");
        if (!(final > 0) || double.IsInfinity(final))
            throw new ArgumentOutOfRangeException(nameof(final), final, "The final ε must be positive and finite.");
        if (warmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "The warm-up must be ≥ 0 epochs.");
        Start = start;
        Final = final;
        WarmupEpochs = warmupEpochs;
    }

    /// <summary>ε at epoch 0.</summary>
    public double Start { get; }

    /// <summary>ε once the warm-up is over.</summary>
    public double Final { get; }

    /// <summary>Number of epochs in the official linspace table (30 there).</summary>
    public int WarmupEpochs { get; }

    /// <summary>ε at a (possibly fractional) epoch; negative epochs give <see cref="Start"/>.</summary>
    public double At(double epoch)
    {
        if (double.IsNaN(epoch))
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must be a number.");
        if (WarmupEpochs == 0)
            return Final;
        // linspace(start, final, W) has its last point at index W−1; W = 1 is the single point
        // [start] followed by final, i.e. a ramp over one epoch.
        var span = Math.Max(1, WarmupEpochs - 1);
        var progress = Math.Clamp(epoch / span, 0.0, 1.0);
        return progress >= 1.0 ? Final : Start + (Final - Start) * progress;
    }
}
