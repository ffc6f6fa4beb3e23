using System.Buffers.Binary;
using System.IO.Compression;

namespace BamOrleans.Data.Tests.Idx;

/// <summary>Hand-built idx files, including broken ones the writer would refuse to produce.</summary>
internal static class IdxBytes
{
    public static byte[] Build(int magic, int[] sizes, byte[] payload)
    {
        var bytes = new byte[4 + 4 * sizes.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < sizes.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), sizes[i]);
        payload.CopyTo(bytes, 4 + 4 * sizes.Length);
        return bytes;
    }

    public static void Write(string path, byte[] content, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, content);
            return;
        }
        using var file = File.Create(path);
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(content);
    }

    /// <summary>Deterministic, varied pixel bytes so that a misplaced byte would be noticed.</summary>
    public static byte[] Pattern(int length, int salt = 0)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = (byte)((i * 31 + salt * 7 + (i >> 8)) & 0xff);
        return bytes;
    }
}
