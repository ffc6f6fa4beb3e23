using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// Deterministic initialisation from an explicit seed, independent of the global RNG:
/// <list type="bullet">
/// <item>Conv2d weights: Kaiming normal, fan_out, ReLU gain — std = √(2 / (out·kh·kw)), as torchvision's ResNet.</item>
/// <item>Linear weights: truncated normal, std 0.02, cut at ±2 (absolute, as DINO's trunc_normal_(std=.02)), bias 0 — as the DINO head.</item>
/// <item>Norm layers (Group/Layer/Batch): weight 1, bias 0; BatchNorm running stats reset.</item>
/// </list>
/// Modules are visited in registration order, so the same seed always gives the same numbers.
/// </summary>
public static class WeightInitializer
{
    public const double LinearStd = 0.02;

    public static void Initialize(nn.Module module, long seed)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    var weight = conv.weight!;
                    var fanOut = weight.shape[0] * weight.shape[2] * weight.shape[3];
                    weight.normal_(0, Math.Sqrt(2.0 / fanOut), generator);
                    conv.bias?.zero_();
                    break;
                case Linear linear:
                    TruncatedNormal(linear.weight!, LinearStd, -2, 2, generator);
                    linear.bias?.zero_();
                    break;
                case GroupNorm or LayerNorm or BatchNorm2d or BatchNorm1d:
                    ResetNorm(child);
                    break;
            }
        }
    }

    /// <summary>
    /// torch.nn.init.trunc_normal_'s inverse-CDF method: uniform in [2·Φ(a/σ) − 1, 2·Φ(b/σ) − 1],
    /// erfinv, scale by σ√2, clamp to [a, b]. The uniform draw is kept one machine epsilon inside
    /// ±1: uniform_ can return its lower end exactly, and erfinv(−1) = −∞ would clamp to a (here
    /// 100σ) — a few such outliers are expected over ResNet-50's millions of projector weights.
    /// (TorchSharp 0.107's nn.init.trunc_normal_ fills the tensor with the constant σ, with or
    /// without a generator, so it is not used.)
    /// </summary>
    internal static void TruncatedNormal(Tensor tensor, double std, double a, double b, Generator generator)
    {
        using var scope = NewDisposeScope();
        var cdf = torch.tensor(new[] { a / std, b / std }, ScalarType.Float64).div_(Math.Sqrt(2)).erf_().add_(1).div_(2);
        var (low, high) = (2 * cdf[0].item<double>() - 1, 2 * cdf[1].item<double>() - 1);
        var epsilon = finfo(tensor.dtype).eps;
        tensor.uniform_(low, high, generator)
            .clamp_(Math.Max(low, -1 + epsilon), Math.Min(high, 1 - epsilon))
            .erfinv_()
            .mul_(std * Math.Sqrt(2))
            .clamp_(a, b);
    }

    private static void ResetNorm(nn.Module norm)
    {
        foreach (var (name, parameter) in norm.named_parameters(recurse: false))
        {
            if (name == "weight") parameter.fill_(1.0);
            else parameter.zero_();
        }
        foreach (var (name, buffer) in norm.named_buffers(recurse: false))
        {
            if (name == "running_var") buffer.fill_(1.0);
            else buffer.zero_();
        }
    }
}
