using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>Turns the chosen RGB samples to gray, keeping three (equal) channels. One-channel input is left alone.</summary>
internal static class RandomGrayscale
{
    public static Tensor Apply(Tensor images, ReadOnlySpan<ViewParameters> views)
    {
        if (images.shape[1] != 3)
            return images;
        return PerSample.Apply(images, views, v => v.Grayscale, (subset, _) =>
        {
            using var gray = Luminance.Of(subset);
            return gray.expand_as(subset).contiguous();
        });
    }
}
