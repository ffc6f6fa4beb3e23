using System.Buffers.Binary;
using System.IO.Compression;

namespace BamOrleans.Data.Idx;

/// <summary>
/// Opens an idx file (gzip-compressed or raw, told apart by the gzip magic bytes rather than by
/// the file name, since both spellings circulate) and reads its header and payload, turning every
/// way the bytes can be wrong into an <see cref="InvalidDataException"/> that names the file.
/// </summary>
internal sealed class IdxStream : IDisposable
{
    private readonly Stream _stream;
    private readonly long? _rawLength;

    private IdxStream(string path, string remedy, Stream stream, long? rawLength)
    {
        Path = path;
        Remedy = remedy;
        _stream = stream;
        _rawLength = rawLength;
    }

    public string Path { get; }
    public string Remedy { get; }

    public static IdxStream Open(string path, string remedy)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist. {remedy}", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            var read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (read == 2 && signature.SequenceEqual(IdxFormat.GzipSignature))
                return new IdxStream(path, remedy, new GZipStream(file, CompressionMode.Decompress), rawLength: null);
            return new IdxStream(path, remedy, file, file.Length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the magic number and dimension sizes, checking them against what the caller expects.</summary>
    public int[] ReadHeader(int expectedMagic, string kind)
    {
        var expectedDims = expectedMagic & 0xff;
        Span<byte> magicBytes = stackalloc byte[4];
        var read = Read(magicBytes);
        if (read < 4)
            throw Invalid($"is too short to be an idx {kind} file ({read} bytes; the header alone needs {4 + 4 * expectedDims})");

        var magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        if (magic != expectedMagic)
            throw Invalid($"is not an idx {kind} file: magic number is 0x{magic:X8}, expected 0x{expectedMagic:X8} " +
                          $"(unsigned bytes, {expectedDims} dimension{(expectedDims == 1 ? "" : "s")}){DescribeMagic(magic)}");

        Span<byte> sizeBytes = stackalloc byte[4 * expectedDims];
        read = Read(sizeBytes);
        if (read < sizeBytes.Length)
            throw Invalid($"is truncated inside its header: {expectedDims} dimension sizes need {sizeBytes.Length} bytes but only {read} follow the magic number");

        var sizes = new int[expectedDims];
        for (var i = 0; i < expectedDims; i++)
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.Slice(4 * i, 4));
        return sizes;
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> payload bytes and checks nothing follows them;
    /// <paramref name="describe"/> words what the header announced, for the error message.
    /// </summary>
    public byte[] ReadPayload(long length, string describe)
    {
        if (length > Array.MaxLength)
            throw Invalid($"has an implausible header: it announces {describe} ({length} bytes), more than one array can hold");

        // For a raw file the length is known up front: fail before allocating a buffer the file cannot fill.
        if (_rawLength is { } total && total - _stream.Position < length)
            throw Truncated(describe, length, total - _stream.Position);

        var payload = new byte[length];
        var read = Read(payload);
        if (read < length)
            throw Truncated(describe, length, read);

        Span<byte> probe = stackalloc byte[1];
        if (Read(probe) != 0)
            throw Invalid($"has more data than its header announces ({describe}, {length} bytes); it is damaged or not an idx file");
        return payload;
    }

    public InvalidDataException Invalid(string problem) => new($"{Path} {problem}. {Remedy}");

    private InvalidDataException Truncated(string describe, long expected, long actual) =>
        Invalid($"is truncated: header says {describe} ({expected} bytes) but only {actual} bytes follow");

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; a damaged gzip
    /// stream surfaces here, so its exception is rewrapped to name the file.</summary>
    private int Read(Span<byte> buffer)
    {
        try
        {
            return _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Invalid($"is not a valid gzip file ({e.Message})");
        }
    }

    /// <summary>A hint for the common mix-ups: labels passed as images and vice versa.</summary>
    private static string DescribeMagic(int magic) => magic switch
    {
        IdxFormat.ImagesMagic => "; this looks like an idx image file",
        IdxFormat.LabelsMagic => "; this looks like an idx label file",
        _ when (magic >>> 16) == 0 && ((magic >> 8) & 0xff) != IdxFormat.UnsignedByteType =>
            $"; its element type 0x{(magic >> 8) & 0xff:X2} is not unsigned bytes (0x08)",
        _ when (magic >>> 16) == 0 => $"; it has {magic & 0xff} dimension(s)",
        _ => "",
    };

    public void Dispose() => _stream.Dispose();
}
