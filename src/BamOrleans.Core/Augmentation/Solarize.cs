using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>For the chosen samples, inverts pixels at or above the threshold: where(x ≥ t, 1 − x, x).</summary>
internal static class Solarize
{
    public static Tensor Apply(Tensor images, ReadOnlySpan<ViewParameters> views, double threshold) =>
        PerSample.Apply(images, views, v => v.Solarize, (subset, _) =>
        {
            using var scope = NewDisposeScope();
            return where(subset.ge((float)threshold), subset.neg().add_(1f), subset).MoveToOuterDisposeScope();
        });
}
