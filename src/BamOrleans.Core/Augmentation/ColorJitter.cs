using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Brightness, contrast and (RGB only) saturation jitter with per-sample factors, each sample
/// applying the three in its own random order, as torchvision's ColorJitter does. At each of the
/// three steps, each operation runs once, on just the samples whose order puts it at that step.
/// Every operation clamps to [0, 1], as torchvision's blend does.
/// </summary>
internal static class ColorJitter
{
    private const int BrightnessOp = 0, ContrastOp = 1, SaturationOp = 2;

    public static Tensor Apply(Tensor images, ReadOnlySpan<ViewParameters> views, AugmentationOptions options)
    {
        var enabled = new[] { options.Brightness > 0, options.Contrast > 0, options.Saturation > 0 && images.shape[1] == 3 };
        if (!enabled.Contains(true))
            return images;
        return PerSample.Apply(images, views, v => v.Jitter, (subset, subsetViews) => Jitter(subset, subsetViews, enabled));
    }

    private static Tensor Jitter(Tensor images, ViewParameters[] views, bool[] enabled)
    {
        using var scope = NewDisposeScope();
        var jittered = images.clone();
        for (var step = 0; step < 3; step++)
            for (var op = 0; op < 3; op++)
            {
                if (!enabled[op])
                    continue;
                var picked = new List<long>();
                var pickedViews = new List<ViewParameters>();
                for (var i = 0; i < views.Length; i++)
                    if (ViewParameterSampler.JitterOrders[views[i].JitterOrder][step] == op)
                    {
                        picked.Add(i);
                        pickedViews.Add(views[i]);
                    }
                if (picked.Count == 0)
                    continue;

                // Each sample does exactly one operation per step, so operations of one step touch
                // disjoint samples and may each write their results straight back.
                using var stepScope = NewDisposeScope();
                var index = tensor(picked.ToArray(), device: images.device);
                var part = jittered.index_select(0, index);
                jittered.index_copy_(0, index, Operate(op, part, pickedViews));
            }
        return jittered.MoveToOuterDisposeScope();
    }

    private static Tensor Operate(int op, Tensor x, List<ViewParameters> views)
    {
        var device = x.device;
        var result = op switch
        {
            BrightnessOp => x.mul(PerSample.Values(views, v => v.Brightness, device)),
            ContrastOp => Blend(x, PerSample.Values(views, v => v.Contrast, device), Luminance.Mean(x),
                                PerSample.Values(views, v => 1f - v.Contrast, device)),
            SaturationOp => Blend(x, PerSample.Values(views, v => v.Saturation, device), Luminance.Of(x),
                                  PerSample.Values(views, v => 1f - v.Saturation, device)),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
        return result.clamp_(0f, 1f);
    }

    /// <summary>factor·x + (1 − factor)·target, as separate multiplies and an add (never a fused
    /// multiply-add, whose rounding could differ between vectorised and scalar code paths).</summary>
    private static Tensor Blend(Tensor x, Tensor factor, Tensor target, Tensor rest) =>
        x.mul(factor).add_(target.mul(rest));
}
