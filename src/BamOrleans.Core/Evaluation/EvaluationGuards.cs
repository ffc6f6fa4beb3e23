using static TorchSharp.torch;

namespace BamOrleans.Core.Evaluation;

/// <summary>
/// Argument checks shared by the k-NN and the linear probe. A wrong shape or label range deep
/// inside topk/cross_entropy surfaces as an opaque native error; checking up front names the
/// argument and says what was expected.
/// </summary>
internal static class EvaluationGuards
{
    /// <summary>Features must be a floating-point [N, D] matrix with N ≥ 1 and D ≥ 1.</summary>
    public static void RequireFeatures(Tensor features, string name)
    {
        ArgumentNullException.ThrowIfNull(features, name);
        if (features.dim() != 2)
            throw new ArgumentException(
                $"{name} must be a [N, D] matrix; got shape [{string.Join(", ", features.shape)}].", name);
        if (!is_floating_point(features))
            throw new ArgumentException($"{name} must be floating point; got {features.dtype}.", name);
        if (features.shape[0] == 0 || features.shape[1] == 0)
            throw new ArgumentException(
                $"{name} is empty (shape [{string.Join(", ", features.shape)}]).", name);
    }

    /// <summary>Labels must be int64 [count] with every value in [0, classCount).</summary>
    public static void RequireLabels(Tensor labels, long count, int classCount, string name)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1)
            throw new ArgumentException(
                $"{name} must be an int64 vector; got {labels.dtype} of shape [{string.Join(", ", labels.shape)}].", name);
        if (labels.shape[0] != count)
            throw new ArgumentException($"{name} has {labels.shape[0]} labels for {count} feature rows.", name);
        using var scope = NewDisposeScope();
        var min = labels.min().item<long>();
        var max = labels.max().item<long>();
        if (min < 0 || max >= classCount)
            throw new ArgumentException(
                $"{name} holds values in [{min}, {max}] but there are {classCount} classes (expected 0..{classCount - 1}).", name);
    }

    public static void RequireClassCount(int classCount)
    {
        if (classCount < 1)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "There must be at least one class.");
    }
}
