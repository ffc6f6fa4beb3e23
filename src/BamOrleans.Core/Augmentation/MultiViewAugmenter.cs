using BamOrleans.Core.Data;
using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Makes the global and local views of a batch with batched tensor ops on the batch's device.
/// Each view's random choices are drawn on the CPU from a counter-based hash of
/// (seed, epoch, sampleId, view), so the same image gets exactly the same views in any batch,
/// at any position, in any process; and every tensor op is elementwise per sample (no float
/// reductions across a sample, no shape-dependent kernels), so those views are bit-identical.
/// </summary>
public sealed class MultiViewAugmenter
{
    public MultiViewAugmenter(AugmentationOptions options, int globalViews, int localViews, long seed, PixelNormalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(normalizer);
        options.ThrowIfInvalid();
        if (globalViews < 1)
            throw new ArgumentOutOfRangeException(nameof(globalViews), globalViews, "At least one global view is needed (BAM uses 2 or more).");
        ArgumentOutOfRangeException.ThrowIfNegative(localViews);
        Options = options;
        GlobalViews = globalViews;
        LocalViews = localViews;
        Seed = seed;
        Normalizer = normalizer;
    }

    public AugmentationOptions Options { get; }
    public int GlobalViews { get; }
    public int LocalViews { get; }
    public long Seed { get; }
    public PixelNormalizer Normalizer { get; }

    /// <param name="images">[B, C, H, W] float32 in [0, 1] (as <see cref="ImageBatchLoader"/> makes), on any device.</param>
    /// <param name="sampleIds">Dataset-wide id of each image (its index in the dataset), in batch order.</param>
    /// <param name="epoch">Epoch number; views change from epoch to epoch.</param>
    public MultiViewBatch Make(Tensor images, ReadOnlySpan<long> sampleIds, int epoch)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"Images must be a [B, C, H, W] batch; got shape [{string.Join(", ", images.shape)}].", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Images must be float32 in [0, 1] (see ImageBatchLoader); got {images.dtype}.", nameof(images));
        if (images.shape[0] != sampleIds.Length)
            throw new ArgumentException($"{sampleIds.Length} sample ids for a batch of {images.shape[0]} images.", nameof(sampleIds));
        if (images.shape[1] != Normalizer.Mean.Length)
            throw new ArgumentException($"Images have {images.shape[1]} channels but the normalizer was built for {Normalizer.Mean.Length}.", nameof(images));

        using var scope = NewDisposeScope();
        var global = MakeViews(images, sampleIds, epoch, ViewKind.Global, GlobalViews);
        var local = LocalViews > 0 ? MakeViews(images, sampleIds, epoch, ViewKind.Local, LocalViews) : null;
        return new MultiViewBatch(global.MoveToOuterDisposeScope(), local?.MoveToOuterDisposeScope(),
                                  sampleIds.Length, GlobalViews, LocalViews);
    }

    /// <summary>All views of one kind, view-major: [views·B, C, S, S], normalised.</summary>
    private Tensor MakeViews(Tensor images, ReadOnlySpan<long> sampleIds, int epoch, ViewKind kind, int views)
    {
        int batch = sampleIds.Length, height = (int)images.shape[2], width = (int)images.shape[3], size = Options.Size(kind);
        if (batch == 0)
            return empty([0, images.shape[1], size, size], ScalarType.Float32, images.device);

        var parameters = new ViewParameters[views * batch];
        for (var v = 0; v < views; v++)
            for (var b = 0; b < batch; b++)
                parameters[v * batch + b] = ViewParameterSampler.Draw(Options, kind, v, Seed, epoch, sampleIds[b], height, width);

        using var scope = NewDisposeScope();
        var crops = new Tensor[views];
        for (var v = 0; v < views; v++)
            crops[v] = ResizedCropWithFlip.Apply(images, new ArraySegment<ViewParameters>(parameters, v * batch, batch), size);
        var x = views == 1 ? crops[0] : cat(crops, 0);
        if (views > 1)
            foreach (var crop in crops)
                crop.Dispose();

        // Each stage returns its input when no sample needs it; otherwise a new tensor, and the old one is freed.
        x = Replace(x, ColorJitter.Apply(x, parameters, Options));
        x = Replace(x, RandomGrayscale.Apply(x, parameters));
        x = Replace(x, GaussianBlur.Apply(x, parameters, GaussianBlur.Radius(Options, kind)));
        x = Replace(x, Solarize.Apply(x, parameters, Options.SolarizeThreshold));
        x.clamp_(0f, 1f);
        return Replace(x, Normalizer.Apply(x)).MoveToOuterDisposeScope();
    }

    private static Tensor Replace(Tensor current, Tensor next)
    {
        if (!ReferenceEquals(current, next))
            current.Dispose();
        return next;
    }
}
