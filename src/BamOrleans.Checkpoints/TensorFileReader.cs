using System.Buffers.Binary;
using System.IO.Hashing;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Reads the <see cref="TensorFile"/> layout, trusting nothing: every length is checked against
/// the bytes present before it is used, then the checksum is compared. Structure is checked first
/// so a truncated file is reported as truncated (with the entry where the bytes ran out) rather
/// than as a bare checksum mismatch.
/// </summary>
internal static class TensorFileReader
{
    public static IReadOnlyList<HostTensor> Read(ReadOnlySpan<byte> bytes, string blobName)
    {
        CorruptCheckpointException Corrupt(string reason) => new(blobName, reason);

        if (bytes.Length < TensorFile.HeaderBytes + TensorFile.ChecksumBytes)
            throw Corrupt($"it is {bytes.Length} bytes, shorter than the {TensorFile.HeaderBytes + TensorFile.ChecksumBytes}-byte header and checksum of a tensor file: truncated");
        if (!bytes[..8].SequenceEqual(TensorFile.Magic))
            throw Corrupt("it does not start with the tensor-file magic \"BAMTENSR\": not a tensor file, or its first bytes were changed");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != TensorFile.FormatVersion)
            throw Corrupt($"tensor-file format version {version}; this reader reads version {TensorFile.FormatVersion} (written by another BamOrleans version?)");
        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        // Each entry takes at least 2 + 1 + 1 + 1 + 8 bytes: a count beyond that is damage, not a big file.
        const int minimumEntryBytes = 13;
        if (count > (bytes.Length - TensorFile.HeaderBytes) / minimumEntryBytes)
            throw Corrupt($"it declares {count} entries, more than its {bytes.Length} bytes can hold");

        var body = bytes[..^TensorFile.ChecksumBytes];
        var bodyLength = body.Length;
        var at = TensorFile.HeaderBytes;
        var entries = new List<HostTensor>((int)count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            string Where(string? name = null) => name is null ? $"entry {i}" : $"entry {i} '{name}'";
            void Need(long n, string what, string? name = null)
            {
                if (n > bodyLength - at)
                    throw Corrupt($"{Where(name)}: its {what} needs {n} bytes but only {Math.Max(0, bodyLength - at)} remain before the checksum: truncated or damaged");
            }

            Need(2, "name length");
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
            at += 2;
            if (nameLength == 0) throw Corrupt($"{Where()} has an empty name");
            Need(nameLength, "name");
            string name;
            try { name = TensorFile.StrictUtf8.GetString(body.Slice(at, nameLength)); }
            catch (ArgumentException) { throw Corrupt($"{Where()} has a name that is not valid UTF-8"); }
            at += nameLength;
            if (!names.Add(name)) throw Corrupt($"{Where(name)} repeats a name already in the file");

            Need(2, "dtype and rank", name);
            var dtypeCode = body[at++];
            if (!TensorDTypes.IsKnown(dtypeCode))
                throw Corrupt($"{Where(name)} has unknown dtype code {dtypeCode} (known: 1 float32, 2 float64, 3 int64)");
            var dtype = (TensorDType)dtypeCode;
            var rank = body[at++];
            if (rank > TensorFile.MaxRank) throw Corrupt($"{Where(name)} declares {rank} dimensions; at most {TensorFile.MaxRank} are allowed");

            Need(8L * rank + 8, "shape and data length", name);
            var shape = new long[rank];
            long elements = 1;
            for (var d = 0; d < rank; d++)
            {
                shape[d] = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
                at += 8;
                if (shape[d] < 0 || (shape[d] > 0 && elements > body.Length / shape[d]))
                    throw Corrupt($"{Where(name)} has dimension {d} = {shape[d]}, impossible for a file of {bytes.Length} bytes");
                elements *= shape[d];
            }
            var dataLength = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
            at += 8;
            var expected = elements * dtype.ElementSize();
            if (dataLength != expected)
                throw Corrupt($"{Where(name)} ({dtype} {HostTensor.FormatShape(shape)}) declares {dataLength} data bytes but its shape needs {expected}");
            Need(dataLength, "data", name);
            var data = body.Slice(at, (int)dataLength).ToArray();
            at += (int)dataLength;
            entries.Add(new HostTensor(name, dtype, shape, data));
        }
        if (at != body.Length)
            throw Corrupt($"{body.Length - at} unexpected bytes follow the last of its {count} entries");
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^TensorFile.ChecksumBytes..]);
        var computed = XxHash3.HashToUInt64(body);
        if (stored != computed)
            throw Corrupt($"its checksum is {stored:x16} but its content hashes to {computed:x16}: bytes were changed after it was written");
        return entries;
    }
}
