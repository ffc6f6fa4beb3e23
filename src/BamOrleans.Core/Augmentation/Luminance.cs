using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>Per-pixel gray level of a [N, C, H, W] batch and its exact per-sample mean.</summary>
internal static class Luminance
{
    /// <summary>[N, 1, H, W]: ITU-R 601 luma for RGB (0.299, 0.587, 0.114 — like PIL; torchvision uses
    /// 0.2989, whose weights sum to 0.9999 and so darken a gray pixel), the channel itself for
    /// one channel, the channel average otherwise. Built from channel slices with elementwise ops
    /// only, so the result per pixel does not depend on the batch.</summary>
    public static Tensor Of(Tensor images)
    {
        var channels = images.shape[1];
        if (channels == 1)
            return images.alias();
        using var scope = NewDisposeScope();
        Tensor gray;
        if (channels == 3)
        {
            gray = images.narrow(1, 0, 1).mul(0.299f);
            gray.add_(images.narrow(1, 1, 1).mul(0.587f));
            gray.add_(images.narrow(1, 2, 1).mul(0.114f));
        }
        else
        {
            gray = images.narrow(1, 0, 1).clone();
            for (var c = 1; c < channels; c++)
                gray.add_(images.narrow(1, c, 1));
            gray.div_((float)channels);
        }
        return gray.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [N, 1, 1, 1] mean gray level of each sample. A float sum's rounding depends on how the
    /// reduction is split over threads or GPU blocks, which depends on the batch; so values are
    /// summed as 24-bit fixed-point integers, whose sum is exact in any order. The quantisation
    /// (6e-8) is far below anything the contrast blend can show.
    /// </summary>
    public static Tensor Mean(Tensor images)
    {
        using var scope = NewDisposeScope();
        const double fixedPointOne = 1 << 24;
        var gray = Of(images);
        var pixels = gray.shape[2] * gray.shape[3];
        var sums = gray.mul((float)fixedPointOne).round_().to_type(ScalarType.Int64).sum([1, 2, 3], keepdim: true);
        return sums.to_type(ScalarType.Float64).div_(pixels * fixedPointOne).to_type(ScalarType.Float32)
            .MoveToOuterDisposeScope();
    }
}
