using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>Dtype helpers shared by the objective's pieces.</summary>
internal static class NumericLimits
{
    /// <summary>
    /// The most negative finite value of a floating dtype. Masked logits are set to this rather
    /// than −∞ because their log-probabilities are later multiplied by a zero mask weight, and
    /// 0·(−∞) is NaN while 0·(finite) is 0; exp of it (after subtracting a max) is still exactly 0.
    /// </summary>
    public static double MostNegative(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => float.MinValue,
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => throw new ArgumentException($"Expected a floating-point tensor, got {dtype}: convert it with .to(float32) or .to(float64) first."),
    };

    /// <summary>Throws unless <paramref name="t"/> is a 2-D float32/float64 tensor.</summary>
    public static void RequireMatrix(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() != 2)
            throw new ArgumentException($"{name} must be a 2-D matrix but has shape [{string.Join(", ", t.shape)}]: pass rows × columns.", name);
        if (t.dtype != ScalarType.Float32 && t.dtype != ScalarType.Float64)
            throw new ArgumentException($"{name} has dtype {t.dtype}: the objective works in float32 or float64; convert with .to(float32).", name);
    }

    /// <summary>Throws unless <paramref name="mask"/> is a bool tensor of exactly the given shape.</summary>
    public static void RequireMask(Tensor mask, long rows, long columns, string name)
    {
        ArgumentNullException.ThrowIfNull(mask, name);
        if (mask.dtype != ScalarType.Bool)
            throw new ArgumentException($"{name} has dtype {mask.dtype}: it must be a bool mask (true = same image), as built by SameImageMask.Build.", name);
        if (mask.dim() != 2 || mask.shape[0] != rows || mask.shape[1] != columns)
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", mask.shape)}] but the similarities are [{rows}, {columns}]: build the mask for the same rows and columns.", name);
    }
}
