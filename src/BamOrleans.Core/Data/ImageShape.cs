namespace BamOrleans.Core.Data;

/// <summary>Channels × height × width of every image in a dataset (CHW, row-major).</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Number of bytes one image occupies (one byte per channel value).</summary>
    public int PixelCount => Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
