using System.Buffers.Binary;
using System.IO.Hashing;

namespace BamOrleans.Checkpoints;

/// <summary>Writes the <see cref="TensorFile"/> layout: sizes everything first, then fills one array.</summary>
internal static class TensorFileWriter
{
    public static byte[] Write(IReadOnlyList<HostTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = TensorFile.HeaderBytes + TensorFile.ChecksumBytes;
        var encodedNames = new byte[tensors.Count][];
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (!names.Add(t.Name))
                throw new ArgumentException($"tensor '{t.Name}' appears twice; names in a tensor file must be unique.", nameof(tensors));
            encodedNames[i] = TensorFile.StrictUtf8.GetBytes(t.Name);
            if (encodedNames[i].Length is 0 or > ushort.MaxValue)
                throw new ArgumentException($"tensor name '{t.Name}' is {encodedNames[i].Length} UTF-8 bytes; use 1 to {ushort.MaxValue}.", nameof(tensors));
            if (t.Shape.Length > TensorFile.MaxRank)
                throw new ArgumentException($"tensor '{t.Name}' has {t.Shape.Length} dimensions; a tensor file holds at most {TensorFile.MaxRank}.", nameof(tensors));
            if (t.Shape.Any(d => d < 0))
                throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in {t.ShapeText}.", nameof(tensors));
            var expected = t.ElementCount * t.DType.ElementSize();
            if (t.Data.LongLength != expected)
                throw new ArgumentException(
                    $"tensor '{t.Name}' ({t.DType} {t.ShapeText}) carries {t.Data.LongLength} bytes but its shape needs {expected}.", nameof(tensors));
            total += 2 + encodedNames[i].Length + 1 + 1 + 8L * t.Shape.Length + 8 + t.Data.LongLength;
        }
        if (total > Array.MaxLength)
            throw new NotSupportedException(
                $"these {tensors.Count} tensors need a {total}-byte file; one tensor file holds at most {Array.MaxLength} bytes: split the state over several files.");

        var file = new byte[total];
        var span = file.AsSpan();
        TensorFile.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], TensorFile.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)tensors.Count);
        var at = TensorFile.HeaderBytes;
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)encodedNames[i].Length);
            at += 2;
            encodedNames[i].CopyTo(span[at..]);
            at += encodedNames[i].Length;
            span[at++] = (byte)t.DType;
            span[at++] = (byte)t.Shape.Length;
            foreach (var d in t.Shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], d);
                at += 8;
            }
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], t.Data.LongLength);
            at += 8;
            t.Data.CopyTo(span[at..]);
            at += t.Data.Length;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], XxHash3.HashToUInt64(span[..at]));
        return file;
    }
}
