using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>Gradient norm clipping, in place on each parameter's .grad. Parameters without a grad are skipped.</summary>
public static class GradientClipping
{
    /// <summary>Added to norms before dividing, as DINO and torch do.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>
    /// DINO/BAM's utils.clip_gradients: each gradient g separately is scaled by
    /// clip / (‖g‖ + 1e-6) when that is below 1. Returns each gradient's norm before clipping,
    /// in parameter order (one entry per parameter that has a grad).
    /// </summary>
    public static double[] ClipPerParameter(IEnumerable<Tensor> parameters, double clip)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "Clip must be > 0.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = Gradients(parameters);
        if (grads.Count == 0)
            return [];
        // All norms in one tensor: the only host sync is reading them back at the end.
        var norms = stack(grads.Select(g => g.norm()));
        using var one = 1.0.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        var coefficients = norms.add(epsilon).reciprocal_().mul_(clip).clamp_max_(one);
        for (var i = 0; i < grads.Count; i++)
            grads[i].mul_(coefficients[i]);
        return norms.to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// torch.nn.utils.clip_grad_norm_: the global norm over all gradients, and every gradient
    /// scaled by maxNorm / (norm + 1e-6) when that is below 1. Returns the norm before clipping.
    /// </summary>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "Max norm must be > 0.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = Gradients(parameters);
        if (grads.Count == 0)
            return 0;
        var total = stack(grads.Select(g => g.norm())).norm();
        using var one = 1.0.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        var coefficient = total.add(epsilon).reciprocal_().mul_(maxNorm).clamp_max_(one);
        foreach (var grad in grads)
            grad.mul_(coefficient);
        return total.to(ScalarType.Float64).item<double>();
    }

    private static List<Tensor> Gradients(IEnumerable<Tensor> parameters)
    {
        var grads = new List<Tensor>();
        foreach (var parameter in parameters)
        {
            var grad = parameter.grad;
            if (grad is not null)
                grads.Add(grad);
        }
        return grads;
    }
}
