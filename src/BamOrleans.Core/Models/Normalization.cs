using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>Builds the norm layers for a <see cref="NormKind"/>; the PyTorch twin uses the same rules.</summary>
public static class Normalization
{
    /// <summary>
    /// Group count for GroupNorm over <paramref name="channels"/>: the largest divisor of the
    /// channel count that is at most 32 and leaves at least two channels per group. 32 groups
    /// is the GroupNorm paper's choice for ResNets (64 → 32, 512 → 32); the two-channel floor
    /// keeps the narrow small net (16 channels → 8 groups) from degenerating into per-channel
    /// instance norm, whose statistics over a 4×4 map are too noisy.
    /// </summary>
    public static int GroupCount(int channels)
    {
        for (var groups = Math.Min(32, Math.Max(1, channels / 2)); groups > 1; groups--)
            if (channels % groups == 0)
                return groups;
        return 1;
    }

    /// <summary>Norm for a [B, C, H, W] feature map.</summary>
    public static nn.Module<Tensor, Tensor> Norm2d(NormKind kind, int channels) => kind switch
    {
        NormKind.Group => new AffineGroupNorm(GroupCount(channels), channels),
        NormKind.Batch => nn.BatchNorm2d(channels),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown norm kind."),
    };

    /// <summary>Norm for a [B, D] projector activation: LayerNorm (per sample) or BatchNorm1d.</summary>
    public static nn.Module<Tensor, Tensor> Norm1d(NormKind kind, int features) => kind switch
    {
        NormKind.Group => nn.LayerNorm(features),
        NormKind.Batch => nn.BatchNorm1d(features),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown norm kind."),
    };
}
