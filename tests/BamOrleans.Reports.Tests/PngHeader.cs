using System.Buffers.Binary;

namespace BamOrleans.Reports.Tests;

/// <summary>Reads a PNG's signature and its IHDR chunk straight from the bytes (PNG spec §5.2,
/// §11.2.2), independently of the library that wrote them.</summary>
internal static class PngHeader
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool HasSignature(byte[] png) => png.AsSpan().StartsWith(Signature);

    /// <summary>The width and height IHDR states. IHDR must be the first chunk: 8 signature bytes,
    /// then its 4-byte length (13) and 4-byte type, then width and height as big-endian uint32.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(png.Length >= 33, "too short to hold a PNG header");
        Assert.Equal(13u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(8, 4)));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16, 4)),
                (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20, 4)));
    }
}
