using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using BamOrleans.Core.Data;

namespace BamOrleans.Data.Shards;

/// <summary>Turns a run of images into a shard blob's bytes (<see cref="ShardHeader"/> describes the
/// layout) and checks a shard blob's bytes against what the manifest promises.</summary>
internal static class ShardCodec
{
    /// <summary>The largest shard blob: one byte array, as the store reads and writes it.</summary>
    public static long MaxBytes => Array.MaxLength;

    /// <summary>The bytes of a shard holding images <paramref name="first"/>..first+count−1 of <paramref name="source"/>.</summary>
    public static byte[] Encode(IImageDataset source, int first, int count)
    {
        var header = new ShardHeader(count, source.Shape, source.ClassCount > 0);
        var bytes = new byte[header.TotalBytes];
        header.Write(bytes);
        var pixels = source.Shape.PixelCount;
        // Decoding dominates for image folders (each CopyPixels decodes and resizes a file), and
        // every dataset here reads safely from many threads: fill the images in parallel.
        try
        {
            Parallel.For(0, count, i => source.CopyPixels(first + i, bytes.AsSpan(ShardHeader.Length + i * pixels, pixels)));
        }
        catch (AggregateException e)
        {
            // Surface the source's own error (a damaged file, named by the decoder) as if read in
            // order, so callers handle it by its type; any one of several is enough to act on.
            ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }
        if (header.HasLabels)
        {
            var labels = bytes.AsSpan((int)(ShardHeader.Length + header.PixelBytes));
            for (var i = 0; i < count; i++)
            {
                var label = source.Label(first + i);
                if ((uint)label >= (uint)source.ClassCount)
                    throw new InvalidDataException(
                        $"image {first + i} of '{source.Name}' has label {label}, outside 0..{source.ClassCount - 1}: the source is inconsistent; fix or replace it");
                BinaryPrimitives.WriteInt32LittleEndian(labels[(4 * i)..], label);
            }
        }
        return bytes;
    }

    /// <summary>The pixels of image <paramref name="offset"/> of a shard whose bytes passed <see cref="Problem"/>.</summary>
    public static ReadOnlySpan<byte> Pixels(byte[] shard, int offset, ImageShape shape) =>
        shard.AsSpan(ShardHeader.Length + offset * shape.PixelCount, shape.PixelCount);

    /// <summary>The labels of a shard whose bytes passed <see cref="Problem"/>.</summary>
    public static void ReadLabels(byte[] shard, int count, ImageShape shape, Span<int> destination)
    {
        var labels = shard.AsSpan((int)(ShardHeader.Length + (long)count * shape.PixelCount));
        for (var i = 0; i < count; i++) destination[i] = BinaryPrimitives.ReadInt32LittleEndian(labels[(4 * i)..]);
    }

    /// <summary>What is wrong with a shard blob's bytes (missing when null) given its manifest entry,
    /// in words that follow the blob's name; null when it is exactly what the manifest promises.</summary>
    public static string? Problem(byte[]? data, ShardEntry entry, DatasetManifest manifest)
    {
        if (data is null) return "does not exist";
        if (data.Length != entry.Length)
            return data.Length < entry.Length
                ? $"is truncated: {data.Length} bytes, the manifest says {entry.Length}"
                : $"is {data.Length} bytes, longer than the {entry.Length} the manifest says";
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            return $"has been altered: its SHA-256 is {sha}, the manifest says {entry.Sha256}";

        // The bytes are the ones the writer hashed; what follows only fails for a manifest written
        // by something other than this writer, but then it must fail here, not as a wrong image later.
        var header = ShardHeader.TryParse(data, out var problem);
        if (header is null) return problem;
        var labelled = manifest.ClassCount is not null;
        if (header.Count != entry.Count || header.Shape != manifest.Shape || header.HasLabels != labelled)
            return $"holds {header.Count} images of {header.Shape} {(header.HasLabels ? "with" : "without")} labels, " +
                   $"the manifest says {entry.Count} of {manifest.Shape} {(labelled ? "with" : "without")}";
        if (header.TotalBytes != data.Length)
            return $"is {data.Length} bytes, but its header describes {header.TotalBytes}";
        if (labelled)
        {
            var labels = new int[header.Count];
            ReadLabels(data, header.Count, header.Shape, labels);
            var bad = Array.FindIndex(labels, l => (uint)l >= (uint)manifest.ClassCount!.Value);
            if (bad >= 0)
                return $"has label {labels[bad]} for image {entry.FirstIndex + bad}, outside 0..{manifest.ClassCount - 1}";
        }
        return null;
    }
}
