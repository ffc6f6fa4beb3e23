using BamOrleans.Core.Data;

namespace BamOrleans.Data.Shards;

/// <summary>
/// Per-channel mean and standard deviation of pixel values on the [0, 1] scale
/// <see cref="PixelNormalizer"/> works on, accumulated image by image. It counts how often each of
/// the 256 byte values occurs per channel, so the result is exact (integer sums) and does not depend
/// on the order images arrive in.
/// </summary>
public sealed class PixelStatistics
{
    private readonly ImageShape _shape;
    private readonly long[][] _histograms;

    public PixelStatistics(ImageShape shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape.PixelCount);
        _shape = shape;
        _histograms = Enumerable.Range(0, shape.Channels).Select(_ => new long[256]).ToArray();
    }

    public long Images { get; private set; }

    /// <summary>Adds one image, CHW (as <see cref="IImageDataset.CopyPixels"/> writes it).</summary>
    public void Add(ReadOnlySpan<byte> image)
    {
        if (image.Length != _shape.PixelCount)
            throw new ArgumentException($"an image of shape {_shape} has {_shape.PixelCount} bytes, not {image.Length}", nameof(image));
        var plane = _shape.Height * _shape.Width;
        for (var c = 0; c < _shape.Channels; c++)
        {
            var histogram = _histograms[c];
            foreach (var value in image.Slice(c * plane, plane)) histogram[value]++;
        }
        Images++;
    }

    public IReadOnlyList<double> Mean => _histograms.Select(h => Moments(h).Mean).ToArray();

    /// <summary>Population standard deviation (divides by the number of values, as the normaliser's
    /// statistics conventionally do).</summary>
    public IReadOnlyList<double> Std => _histograms.Select(h => Moments(h).Std).ToArray();

    private static (double Mean, double Std) Moments(long[] histogram)
    {
        long n = 0, sum = 0, sumOfSquares = 0;
        for (var value = 0; value < 256; value++)
        {
            n += histogram[value];
            sum += value * histogram[value];
            sumOfSquares += (long)value * value * histogram[value];
        }
        if (n == 0) return (double.NaN, double.NaN);
        // n²·variance = n·Σv² − (Σv)², exact in 128 bits; only the last division and root round.
        var scaledVariance = (Int128)n * sumOfSquares - (Int128)sum * sum;
        return (sum / (255.0 * n), Math.Sqrt((double)scaledVariance) / (255.0 * n));
    }
}
