using BamOrleans.Core.Data;

namespace BamOrleans.Tests.Shared;

/// <summary>Images with structure (a bright square at a per-image place) rather than noise, for
/// training tests that need a few steps of real learning signal.</summary>
internal static class SquareImages
{
    public static InMemoryImageDataset Make(int count, int size = 28)
    {
        var pixels = new byte[count * size * size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var (row, col) = (i * 7 % (size - 8), i * 11 % (size - 8));
            for (var y = row; y < row + 8; y++)
                for (var x = col; x < col + 8; x++)
                    pixels[i * size * size + y * size + x] = (byte)(128 + i % 128);
            labels[i] = i % 4;
        }
        return new InMemoryImageDataset("squares", new ImageShape(1, size, size), pixels, labels, 4);
    }
}
