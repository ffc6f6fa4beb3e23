namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Settings of the multi-view augmentation (BYOL/DINO style): random resized crop, horizontal
/// flip, colour jitter, random grayscale, gaussian blur and solarization. Defaults are the
/// ImageNet recipe; see <see cref="ForSmallImages"/> for 28×28 grayscale data.
/// </summary>
public sealed partial record AugmentationOptions
{
    /// <summary>Side of the square global views, in pixels.</summary>
    public int GlobalSize { get; init; } = 224;

    /// <summary>Side of the square local views, in pixels.</summary>
    public int LocalSize { get; init; } = 96;

    /// <summary>Fraction of the image area a global crop covers, drawn uniformly in (Min, Max).</summary>
    public (double Min, double Max) GlobalScale { get; init; } = (0.25, 1.0);

    /// <summary>Fraction of the image area a local crop covers.</summary>
    public (double Min, double Max) LocalScale { get; init; } = (0.05, 0.25);

    /// <summary>Width/height of a crop, drawn log-uniformly in (Min, Max).</summary>
    public (double Min, double Max) AspectRatio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Brightness factor is drawn in [max(0, 1 − b), 1 + b] (torchvision ColorJitter).</summary>
    public double Brightness { get; init; } = 0.4;

    public double Contrast { get; init; } = 0.4;

    /// <summary>Applies to RGB images only; a single channel has no saturation.</summary>
    public double Saturation { get; init; } = 0.2;

    /// <summary>Chance that colour jitter (its operations in a random order) is applied to a view.</summary>
    public double JitterProbability { get; init; } = 0.8;

    /// <summary>Chance an RGB view is turned to gray (kept as three equal channels). Ignored for one channel.</summary>
    public double GrayscaleProbability { get; init; } = 0.2;

    public ViewProbabilities Blur { get; init; } = new([1.0, 0.1], 0.5);

    /// <summary>Blur sigma range in pixels of a <see cref="BlurReferenceSize"/>-pixel view; scaled by
    /// viewSize / BlurReferenceSize for each view, so the blur looks alike at every resolution.
    /// The kernel spans ±3 of the largest scaled sigma.</summary>
    public (double Min, double Max) BlurSigma { get; init; } = (0.1, 2.0);

    public int BlurReferenceSize { get; init; } = 224;

    public ViewProbabilities Solarize { get; init; } = new([0.0, 0.2], 0.0);

    /// <summary>Pixels at or above this value (in [0, 1]) are inverted by solarization.</summary>
    public double SolarizeThreshold { get; init; } = 0.5;

    public (double Min, double Max) Scale(ViewKind kind) => kind == ViewKind.Global ? GlobalScale : LocalScale;

    public int Size(ViewKind kind) => kind == ViewKind.Global ? GlobalSize : LocalSize;

    /// <summary>The BYOL/DINO ImageNet recipe at the given global size (local views at 96/224 of it).</summary>
    public static AugmentationOptions ForImageNet(int size = 224) => new()
    {
        GlobalSize = size,
        LocalSize = Math.Max(1, (int)Math.Round(size * 96.0 / 224.0)),
    };

    /// <summary>
    /// A recipe for tiny images such as 28×28 Fashion-MNIST: crops keep at least 30% of the image
    /// (less would leave nothing recognisable), local views of ~45% the side (13 px at 28), and a
    /// visible but small blur (sigma up to 1 px on a 28-px view, a 7-tap kernel), applied less often
    /// than on photographs because strokes of a few pixels blur away quickly.
    /// </summary>
    public static AugmentationOptions ForSmallImages(int size = 28) => new()
    {
        GlobalSize = size,
        LocalSize = Math.Max(1, (int)Math.Round(size * 0.45)),
        GlobalScale = (0.3, 1.0),
        LocalScale = (0.1, 0.4),
        Blur = new([0.5, 0.1], 0.2),
        BlurSigma = (0.1, 1.0),
        BlurReferenceSize = size,
    };

    /// <summary>No randomness at all: every view is the whole image resized to <paramref name="size"/>.
    /// Useful for evaluation and as a baseline in tests.</summary>
    public static AugmentationOptions Identity(int size) => new()
    {
        GlobalSize = size,
        LocalSize = size,
        GlobalScale = (1.0, 1.0),
        LocalScale = (1.0, 1.0),
        AspectRatio = (1.0, 1.0),
        FlipProbability = 0.0,
        JitterProbability = 0.0,
        GrayscaleProbability = 0.0,
        Blur = ViewProbabilities.Never,
        Solarize = ViewProbabilities.Never,
    };
}
