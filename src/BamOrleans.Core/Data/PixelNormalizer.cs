using static TorchSharp.torch;

namespace BamOrleans.Core.Data;

/// <summary>
/// Per-channel standardisation applied to every image the encoder sees, in training and in
/// evaluation alike, so features are comparable between the two.
/// </summary>
public sealed record PixelNormalizer(float[] Mean, float[] Std)
{
    /// <summary>Fashion-MNIST training-set statistics.</summary>
    public static PixelNormalizer FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>ImageNet statistics, the usual choice for RGB photographs.</summary>
    public static PixelNormalizer ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Statistics for a dataset of the given channel count when none are known.</summary>
    public static PixelNormalizer ForChannels(int channels) =>
        channels == 1 ? FashionMnist : channels == 3 ? ImageNet
            : new(Enumerable.Repeat(0.5f, channels).ToArray(), Enumerable.Repeat(0.25f, channels).ToArray());

    /// <summary>(x − mean) / std over channel dimension 1 of a [B, C, H, W] batch in [0, 1].</summary>
    public Tensor Apply(Tensor images)
    {
        var channels = images.shape[1];
        if (channels != Mean.Length)
            throw new ArgumentException(
                $"Images have {channels} channels but the normalizer was built for {Mean.Length}.", nameof(images));
        using var scope = NewDisposeScope();
        var mean = tensor(Mean, device: images.device).view(1, channels, 1, 1);
        var std = tensor(Std, device: images.device).view(1, channels, 1, 1);
        return images.sub(mean).div_(std).MoveToOuterDisposeScope();
    }
}
