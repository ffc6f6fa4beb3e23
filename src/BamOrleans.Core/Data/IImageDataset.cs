namespace BamOrleans.Core.Data;

/// <summary>
/// A fixed-size, indexable set of images of one shape. Pixels are bytes (0–255) in CHW order.
/// The math only sees this interface; where the bytes come from (an idx file, an image folder,
/// a shard in blob storage) is the business of the implementation.
/// </summary>
public interface IImageDataset
{
    /// <summary>Human-readable name, used in logs and reports.</summary>
    string Name { get; }

    int Count { get; }

    ImageShape Shape { get; }

    /// <summary>Number of distinct labels, or 0 for an unlabelled set.</summary>
    int ClassCount { get; }

    /// <summary>Label of image <paramref name="index"/>, or -1 when the set is unlabelled.</summary>
    int Label(int index);

    /// <summary>Copies image <paramref name="index"/> into <paramref name="destination"/>
    /// (exactly <see cref="ImageShape.PixelCount"/> bytes).</summary>
    void CopyPixels(int index, Span<byte> destination);
}
