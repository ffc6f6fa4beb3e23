using System.Buffers.Binary;
using BamOrleans.Core.Data;

namespace BamOrleans.Data.Shards;

/// <summary>
/// The fixed 32-byte header at the start of every shard blob, little-endian:
/// <code>
///  0  8  magic "BAMSHARD"
///  8  4  format version (<see cref="FormatVersion"/>)
/// 12  4  image count
/// 16  4  channels
/// 20  4  height
/// 24  4  width
/// 28  1  1 when labels follow the pixels, else 0
/// 29  3  zero (reserved)
/// </code>
/// Then count × channels × height × width pixel bytes (each image CHW, as <see cref="IImageDataset"/>
/// hands them out), then, when labelled, count little-endian int32 labels. The header repeats what
/// the manifest says so a shard read on its own is still self-describing.
/// </summary>
public sealed record ShardHeader(int Count, ImageShape Shape, bool HasLabels)
{
    public const int Length = 32;

    public const int FormatVersion = 1;

    public static ReadOnlySpan<byte> Magic => "BAMSHARD"u8;

    public long PixelBytes => (long)Count * Shape.PixelCount;

    public long LabelBytes => HasLabels ? 4L * Count : 0;

    /// <summary>Bytes of the whole shard blob, header included.</summary>
    public long TotalBytes => Length + PixelBytes + LabelBytes;

    public void Write(Span<byte> destination)
    {
        destination[..Length].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], Shape.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], Shape.Height);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], Shape.Width);
        destination[28] = HasLabels ? (byte)1 : (byte)0;
    }

    /// <summary>The header <paramref name="data"/> starts with, or null with <paramref name="problem"/>
    /// saying in words (to follow a blob's name) why it does not start with one.</summary>
    public static ShardHeader? TryParse(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = ProblemWith(data);
        if (problem is not null) return null;
        return new ShardHeader(
            BinaryPrimitives.ReadInt32LittleEndian(data[12..]),
            new ImageShape(
                BinaryPrimitives.ReadInt32LittleEndian(data[16..]),
                BinaryPrimitives.ReadInt32LittleEndian(data[20..]),
                BinaryPrimitives.ReadInt32LittleEndian(data[24..])),
            data[28] == 1);
    }

    private static string? ProblemWith(ReadOnlySpan<byte> data)
    {
        if (data.Length < Length)
            return $"is {data.Length} bytes long, shorter than the {Length}-byte shard header";
        if (!data[..Magic.Length].SequenceEqual(Magic))
            return "does not start with the shard magic \"BAMSHARD\": it is not a shard of a prepared dataset";
        var version = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        if (version != FormatVersion)
            return $"has shard format version {version}, but this bam reads version {FormatVersion} only";
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        var channels = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(data[20..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(data[24..]);
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0 || data[28] > 1)
            return $"has an impossible header: {count} images of {channels}x{height}x{width}, labels flag {data[28]}";
        return null;
    }
}
