using System.Buffers.Binary;
using System.IO.Compression;

namespace BamOrleans.Data.Idx;

/// <summary>Writes idx image and label files; used to build small fixtures and data subsets.</summary>
public static class IdxWriter
{
    public static void WriteImages(string path, int rows, int columns, ReadOnlySpan<byte> pixels, bool gzip)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (pixels.Length % (rows * columns) != 0)
            throw new ArgumentException($"{pixels.Length} bytes is not a whole number of {rows}x{columns} images.", nameof(pixels));
        Write(path, IdxFormat.ImagesMagic, [pixels.Length / (rows * columns), rows, columns], pixels, gzip);
    }

    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, bool gzip) =>
        Write(path, IdxFormat.LabelsMagic, [labels.Length], labels, gzip);

    private static void Write(string path, int magic, ReadOnlySpan<int> sizes, ReadOnlySpan<byte> payload, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        stream.Write(word);
        foreach (var size in sizes)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, size);
            stream.Write(word);
        }
        stream.Write(payload);
    }
}
