namespace BamOrleans.Core.Augmentation;

/// <summary>Draws the <see cref="ViewParameters"/> of a view from its counter-based random streams.</summary>
internal static class ViewParameterSampler
{
    /// <summary>Jitter operations (0 brightness, 1 contrast, 2 saturation) in each of the 6 orders.</summary>
    public static readonly int[][] JitterOrders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

    /// <summary>Crop attempts before falling back to the whole image, as in torchvision.</summary>
    private const int CropAttempts = 10;

    public static ViewParameters Draw(
        AugmentationOptions options, ViewKind kind, int viewIndex, long seed, int epoch, long sampleId, int height, int width)
    {
        CounterRandom Stream(RandomPurpose purpose) => CounterRandom.For(seed, epoch, sampleId, kind, viewIndex, purpose);

        var crop = Stream(RandomPurpose.Crop);
        var (left, top, cropWidth, cropHeight) = DrawCrop(ref crop, options.Scale(kind), options.AspectRatio, height, width);

        var flip = Stream(RandomPurpose.Flip).Chance(options.FlipProbability);

        var jitter = Stream(RandomPurpose.Jitter);
        var applyJitter = jitter.Chance(options.JitterProbability);
        var brightness = Factor(ref jitter, options.Brightness);
        var contrast = Factor(ref jitter, options.Contrast);
        var saturation = Factor(ref jitter, options.Saturation);
        var order = jitter.NextInt(JitterOrders.Length);

        var grayscale = Stream(RandomPurpose.Grayscale).Chance(options.GrayscaleProbability);

        var blur = Stream(RandomPurpose.Blur);
        var applyBlur = blur.Chance(options.Blur.For(kind, viewIndex));
        var sigma = blur.Uniform(options.BlurSigma.Min, options.BlurSigma.Max) * options.Size(kind) / options.BlurReferenceSize;

        var solarize = Stream(RandomPurpose.Solarize).Chance(options.Solarize.For(kind, viewIndex));

        return new ViewParameters(left, top, cropWidth, cropHeight, flip, applyJitter, brightness, contrast, saturation, order,
                                  grayscale, applyBlur, sigma, solarize);
    }

    /// <summary>
    /// torchvision's RandomResizedCrop with continuous sizes and positions: draw an area fraction
    /// and a log-uniform aspect ratio, keep the first box that fits inside the image; failing that,
    /// take the largest centred box whose aspect ratio is within range.
    /// </summary>
    private static (double Left, double Top, double Width, double Height) DrawCrop(
        ref CounterRandom random, (double Min, double Max) scale, (double Min, double Max) ratio, int height, int width)
    {
        double area = (double)height * width, logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (var attempt = 0; attempt < CropAttempts; attempt++)
        {
            var targetArea = area * random.Uniform(scale.Min, scale.Max);
            var aspect = Math.Exp(random.Uniform(logMin, logMax));
            var w = Math.Sqrt(targetArea * aspect);
            var h = Math.Sqrt(targetArea / aspect);
            if (w <= width && h <= height)
                return (random.Uniform(0, width - w), random.Uniform(0, height - h), w, h);
        }

        double fallbackWidth = width, fallbackHeight = height, imageRatio = (double)width / height;
        if (imageRatio < ratio.Min)
            fallbackHeight = width / ratio.Min;
        else if (imageRatio > ratio.Max)
            fallbackWidth = height * ratio.Max;
        return ((width - fallbackWidth) / 2, (height - fallbackHeight) / 2, fallbackWidth, fallbackHeight);
    }

    /// <summary>A jitter factor in [max(0, 1 − strength), 1 + strength]; exactly 1 when strength is 0.</summary>
    private static float Factor(ref CounterRandom random, double strength) =>
        (float)random.Uniform(Math.Max(0.0, 1.0 - strength), 1.0 + strength);
}
