using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Separable gaussian blur with a per-sample sigma, reflect padding as in torchvision. Only the
/// samples drawn for blurring are computed.
/// </summary>
/// <remarks>
/// The filter is a fixed sequence of shifted slices times per-sample weights, summed in tap order,
/// instead of a grouped convolution: convolution backends choose their algorithm from the shape
/// (batch and group count included), which may change the rounding; this way a sample's blur is
/// bit-identical whatever batch it is in. The kernel is short (±3σ of a scaled sigma), so the
/// cost is a few elementwise passes.
/// </remarks>
internal static class GaussianBlur
{
    /// <summary>Kernel radius for a view: 3 × the largest sigma this view can draw, at least 1 and
    /// small enough for reflect padding (less than the view size).</summary>
    public static int Radius(AugmentationOptions options, ViewKind kind)
    {
        var size = options.Size(kind);
        var maxSigma = options.BlurSigma.Max * size / options.BlurReferenceSize;
        return Math.Clamp((int)Math.Ceiling(3 * maxSigma), 1, Math.Max(1, size - 1));
    }

    public static Tensor Apply(Tensor images, ReadOnlySpan<ViewParameters> views, int radius)
    {
        if (images.shape[2] < 2 || images.shape[3] < 2)
            return images;   // nothing to blur across
        return PerSample.Apply(images, views, v => v.Blur, (subset, subsetViews) =>
        {
            using var scope = NewDisposeScope();
            var taps = Weights(subsetViews, radius, images.device);
            var horizontal = Filter(subset, taps, radius, dimension: 3);
            return Filter(horizontal, taps, radius, dimension: 2).MoveToOuterDisposeScope();
        });
    }

    /// <summary>[N, 2r+1] normalised gaussian taps, one row per sample.</summary>
    private static Tensor Weights(ViewParameters[] views, int radius, Device device)
    {
        var width = 2 * radius + 1;
        var weights = new float[views.Length * width];
        for (var n = 0; n < views.Length; n++)
        {
            var sigma = views[n].BlurSigma;
            double total = 0;
            var row = new double[width];
            for (var k = 0; k < width; k++)
                total += row[k] = Math.Exp(-0.5 * (k - radius) * (k - radius) / (sigma * sigma));
            for (var k = 0; k < width; k++)
                weights[n * width + k] = (float)(row[k] / total);
        }
        return tensor(weights, [views.Length, width], device: device);
    }

    /// <summary>One 1-D pass along <paramref name="dimension"/> (2 = rows, 3 = columns).</summary>
    private static Tensor Filter(Tensor images, Tensor taps, int radius, int dimension)
    {
        using var scope = NewDisposeScope();
        long[] padding = dimension == 3 ? [radius, radius, 0, 0] : [0, 0, radius, radius];
        var padded = nn.functional.pad(images, padding, PaddingModes.Reflect);
        var length = images.shape[dimension];
        var sum = padded.narrow(dimension, 0, length).mul(Tap(taps, 0));
        for (var k = 1; k < taps.shape[1]; k++)
        {
            using var term = padded.narrow(dimension, k, length).mul(Tap(taps, k));
            sum.add_(term);
        }
        return sum.MoveToOuterDisposeScope();
    }

    private static Tensor Tap(Tensor taps, int k) => taps.narrow(1, k, 1).view(-1, 1, 1, 1);
}
