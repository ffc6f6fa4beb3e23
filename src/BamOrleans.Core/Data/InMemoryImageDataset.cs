namespace BamOrleans.Core.Data;

/// <summary>An <see cref="IImageDataset"/> whose pixels all sit in one byte array.</summary>
public sealed class InMemoryImageDataset : IImageDataset
{
    private readonly byte[] _pixels;
    private readonly int[]? _labels;

    public InMemoryImageDataset(string name, ImageShape shape, byte[] pixels, int[]? labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (shape.PixelCount <= 0)
            throw new ArgumentException($"Dataset '{name}': image shape {shape} has no pixels.", nameof(shape));
        if (pixels.Length % shape.PixelCount != 0)
            throw new ArgumentException(
                $"Dataset '{name}': {pixels.Length} bytes is not a whole number of {shape} images.", nameof(pixels));
        Count = pixels.Length / shape.PixelCount;
        if (labels is not null && labels.Length != Count)
            throw new ArgumentException(
                $"Dataset '{name}': {labels.Length} labels for {Count} images.", nameof(labels));
        Name = name;
        Shape = shape;
        _pixels = pixels;
        _labels = labels;
        ClassCount = labels is null ? 0 : classCount;
    }

    public string Name { get; }
    public int Count { get; }
    public ImageShape Shape { get; }
    public int ClassCount { get; }

    public int Label(int index) => _labels is null ? -1 : _labels[index];

    public void CopyPixels(int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} is outside '{Name}' (0..{Count - 1}).");
        _pixels.AsSpan(index * Shape.PixelCount, Shape.PixelCount).CopyTo(destination);
    }
}
