using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// GroupNorm with its per-channel affine applied as separate ops. libtorch 2.10's fused CPU
/// GroupNorm backward, as TorchSharp 0.107 calls it, returns garbage (huge or NaN input
/// gradients, different on every call) when weight and bias require grad; without the affine it
/// is correct. Normalising with the fused kernel and scaling/shifting here keeps the fused speed
/// and gives exact gradients (checked against a hand-written GroupNorm in the tests). Parameter
/// names (weight, bias) match nn.GroupNorm and PyTorch, so weights stay interchangeable.
/// </summary>
public sealed class AffineGroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly int _groups;
    private readonly double _eps;

    public AffineGroupNorm(int groups, int channels, double eps = 1e-5) : base(nameof(AffineGroupNorm))
    {
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentException($"GroupNorm needs channels ({channels}) divisible by groups ({groups}).");
        _groups = groups;
        _eps = eps;
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    // RegisterComponents names parameters after these fields: keep torch's spelling.
    private readonly Parameter weight;
    private readonly Parameter bias;

    public Parameter Weight => weight;

    public Parameter Bias => bias;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[1] = -1;
        var normalized = nn.functional.group_norm(input, _groups, null, null, _eps);
        return normalized.mul(weight.view(shape)).add_(bias.view(shape)).MoveToOuterDisposeScope();
    }
}
