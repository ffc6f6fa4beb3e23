using System.Text;

namespace BamOrleans.Checkpoints;

/// <summary>
/// The binary file of named tensors that holds a model's state dict or an optimizer's state.
/// Little-endian throughout:
/// <code>
/// magic         8 bytes   "BAMTENSR"
/// version       uint32    <see cref="FormatVersion"/>
/// entry count   uint32
/// per entry:    uint16 name length, name (UTF-8), uint8 dtype code (<see cref="TensorDType"/>),
///               uint8 rank, int64 × rank dimensions, int64 data length, data (row-major)
/// checksum      uint64    XxHash3 of every byte before it
/// </code>
/// The trailing checksum lets the file vouch for itself (a flipped bit is caught even without the
/// manifest's SHA-256), and every length is checked against the bytes actually present, so a
/// truncated or damaged file raises <see cref="CorruptCheckpointException"/>, never an
/// out-of-range read or a huge allocation.
/// </summary>
public static class TensorFile
{
    /// <summary>Version of this layout; a reader refuses other versions by name.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The most dimensions an entry may have (a sanity bound for the reader).</summary>
    public const int MaxRank = 16;

    internal static ReadOnlySpan<byte> Magic => "BAMTENSR"u8;

    internal const int HeaderBytes = 8 + 4 + 4;

    internal const int ChecksumBytes = 8;

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Serializes <paramref name="tensors"/> (names unique) into one array.</summary>
    public static byte[] Write(IReadOnlyList<HostTensor> tensors) => TensorFileWriter.Write(tensors);

    /// <summary>Parses and verifies a tensor file; <paramref name="blobName"/> names it in errors.</summary>
    /// <exception cref="CorruptCheckpointException">Anything about the bytes is wrong.</exception>
    public static IReadOnlyList<HostTensor> Read(ReadOnlySpan<byte> bytes, string blobName) => TensorFileReader.Read(bytes, blobName);
}
