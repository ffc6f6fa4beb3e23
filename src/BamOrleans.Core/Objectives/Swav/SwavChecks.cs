using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Swav;

/// <summary>Argument checks shared by the SwAV math, each message naming the problem and the fix.</summary>
internal static class SwavChecks
{
    /// <summary>A 2-D float32/float64 matrix with at least one row and one column.</summary>
    public static void RequireNonEmptyMatrix(Tensor t, string name)
    {
        NumericLimits.RequireMatrix(t, name);
        if (t.shape[0] < 1 || t.shape[1] < 1)
            throw new ArgumentException($"{name} has shape [{string.Join(", ", t.shape)}]: it needs at least one row and one column.", name);
    }

    /// <summary>Every entry finite; a NaN or ±∞ would silently turn every code into NaN.</summary>
    public static void RequireFinite(Tensor t, string name)
    {
        using var scope = NewDisposeScope();
        if (!t.detach().isfinite().all().item<bool>())
            throw new ArgumentException(
                $"{name} contains NaN or infinite values: pass finite scores (embeddings and prototypes both L2-normalised give scores in [−1, 1]); a diverged encoder has to be restored from a checkpoint.",
                name);
    }

    public static void RequirePositiveFinite(double value, string name, string fix)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite: {fix}");
    }

    public static void RequireAtLeast(int value, int minimum, string name, string fix)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ {minimum}: {fix}");
    }

    public static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
