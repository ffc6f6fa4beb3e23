using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// Writes the <see cref="SafeTensorsFile"/> layout. Tensors are stored widest element first (a
/// stable sort, so equal widths keep the caller's order): with the header padded to 8 bytes that
/// leaves every tensor aligned to its element size, as the reference writer does.
/// </summary>
internal static class SafeTensorsWriter
{
    /// <param name="dataSha256Key">When given, the data section's SHA-256 is added to the metadata
    /// under this key (the header precedes the data, so only the writer can fill it in).</param>
    public static byte[] Write(IReadOnlyList<HostTensor> tensors, IReadOnlyDictionary<string, string> metadata, string? dataSha256Key = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        Validate(tensors);
        var ordered = tensors.OrderByDescending(t => t.DType.ElementSize()).ToArray();

        var offsets = new (long Begin, long End)[ordered.Length];
        long dataLength = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < ordered.Length; i++)
        {
            offsets[i] = (dataLength, dataLength + ordered[i].Data.LongLength);
            dataLength = offsets[i].End;
            hash.AppendData(ordered[i].Data);
        }
        var allMetadata = new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal);
        if (dataSha256Key is not null)
            allMetadata[dataSha256Key] = Convert.ToHexStringLower(hash.GetHashAndReset());

        var header = Header(ordered, offsets, allMetadata);
        var paddedHeaderLength = header.Length + (SafeTensorsFile.Alignment - (8 + header.Length) % SafeTensorsFile.Alignment) % SafeTensorsFile.Alignment;
        var total = 8L + paddedHeaderLength + dataLength;
        if (total > Array.MaxLength)
            throw new NotSupportedException(
                $"these {tensors.Count} tensors need a {total}-byte file; this writer holds a file in one array of at most {Array.MaxLength} bytes: export a smaller model.");

        var file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)paddedHeaderLength);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, paddedHeaderLength - header.Length).Fill((byte)' ');
        var at = 8 + paddedHeaderLength;
        foreach (var tensor in ordered)
        {
            tensor.Data.CopyTo(file, at);
            at += tensor.Data.Length;
        }
        return file;
    }

    private static void Validate(IReadOnlyList<HostTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (string.IsNullOrEmpty(t.Name) || t.Name == SafeTensorsFile.MetadataKey)
                throw new ArgumentException($"tensor name '{t.Name}' cannot be stored: use a non-empty name other than {SafeTensorsFile.MetadataKey}.", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"tensor '{t.Name}' appears twice; names in a safetensors file must be unique.", nameof(tensors));
            if (t.Shape.Any(d => d < 0))
                throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in {t.ShapeText}.", nameof(tensors));
            var expected = t.ElementCount * t.DType.ElementSize();
            if (t.Data.LongLength != expected)
                throw new ArgumentException($"tensor '{t.Name}' ({t.DType} {t.ShapeText}) carries {t.Data.LongLength} bytes but its shape needs {expected}.", nameof(tensors));
        }
    }

    private static byte[] Header(HostTensor[] ordered, (long Begin, long End)[] offsets, SortedDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: the header is read by JSON parsers, never embedded in HTML, and people
        // open it to read the metadata (an escaped quote in every key of the options would not help).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject(SafeTensorsFile.MetadataKey);
            foreach (var (key, value) in metadata)
                json.WriteString(key, value);
            json.WriteEndObject();
            for (var i = 0; i < ordered.Length; i++)
            {
                json.WriteStartObject(ordered[i].Name);
                json.WriteString("dtype", SafeTensorsFile.DTypeName(ordered[i].DType));
                json.WriteStartArray("shape");
                foreach (var d in ordered[i].Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offsets[i].Begin);
                json.WriteNumberValue(offsets[i].End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
