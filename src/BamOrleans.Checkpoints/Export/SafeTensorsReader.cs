using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// Reads the <see cref="SafeTensorsFile"/> layout, trusting nothing: the header length, each
/// entry's dtype, shape and offsets are checked against each other and against the bytes present
/// before any data is copied, so a truncated or damaged file is reported as such (naming the
/// tensor where it went wrong), never as an out-of-range read or a huge allocation.
/// </summary>
internal static class SafeTensorsReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private sealed record Entry(string Name, TensorDType DType, long[] Shape, long Begin, long End);

    public static SafeTensorsContent Read(ReadOnlySpan<byte> bytes, string source)
    {
        EncoderFileException Bad(string reason) => new(source, reason);

        if (bytes.Length < 8)
            throw Bad($"it is {bytes.Length} bytes, shorter than the 8-byte header length of a safetensors file: truncated, or not safetensors");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > SafeTensorsFile.MaxHeaderBytes)
            throw Bad($"its first 8 bytes give a header of {headerLength} bytes, more than the {SafeTensorsFile.MaxHeaderBytes} safetensors allows: not a safetensors file, or its start was changed");
        if ((long)headerLength > bytes.Length - 8)
            throw Bad($"its header is {headerLength} bytes but only {bytes.Length - 8} follow the length: truncated");
        var headerBytes = bytes.Slice(8, (int)headerLength);
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{')
            throw Bad("its header does not start with '{': not a safetensors file, or its header was changed");

        string headerText;
        try { headerText = StrictUtf8.GetString(headerBytes); }
        catch (ArgumentException) { throw Bad("its header is not valid UTF-8: the header was changed"); }
        JsonDocument header;
        try { header = JsonDocument.Parse(headerText); }
        catch (JsonException e) { throw Bad($"its header is not valid JSON ({e.Message}): the header was changed or cut short"); }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad("its header is JSON but not an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (property.Name == SafeTensorsFile.MetadataKey)
                    ReadMetadata(property.Value, metadata, Bad);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, Bad));
            }

            var data = bytes[(8 + (int)headerLength)..];
            CheckOffsets(entries, data.Length, Bad);
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            var tensors = new HostTensor[entries.Count];
            for (var i = 0; i < tensors.Length; i++)
            {
                var e = entries[i];
                tensors[i] = new HostTensor(e.Name, e.DType, e.Shape, data[(int)e.Begin..(int)e.End].ToArray());
            }
            return new SafeTensorsContent(metadata, tensors, Convert.ToHexStringLower(SHA256.HashData(data)));
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, Func<string, EncoderFileException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw bad($"its {SafeTensorsFile.MetadataKey} is {value.ValueKind}, not an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw bad($"metadata '{item.Name}' is {item.Value.ValueKind}; safetensors metadata values are strings");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, Func<string, EncoderFileException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw bad($"tensor '{name}' is described by {value.ValueKind}, not an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
            throw bad($"tensor '{name}' has no dtype string");
        var dtypeName = dtypeValue.GetString()!;
        if (!SafeTensorsFile.TryParseDType(dtypeName, out var dtype))
            throw bad($"tensor '{name}' has dtype {dtypeName}; an encoder file holds F32, F64 and I64 only (convert half-precision weights to F32 first)");
        var shape = Integers(value, "shape", name, bad);
        var offsets = Integers(value, "data_offsets", name, bad);
        if (offsets.Length != 2)
            throw bad($"tensor '{name}' has {offsets.Length} data_offsets; safetensors gives [begin, end]");

        long elements = 1;
        foreach (var d in shape)
        {
            // Bounded by the offsets below anyway; this keeps the product from overflowing first.
            if (d > 0 && elements > int.MaxValue / d)
                throw bad($"tensor '{name}' has shape [{string.Join(", ", shape)}], far too large for its file");
            elements *= d;
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw bad($"tensor '{name}' has data_offsets [{begin}, {end}]: the end precedes the begin");
        var expected = elements * dtype.ElementSize();
        if (end - begin != expected)
            throw bad($"tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) has data_offsets [{begin}, {end}], {end - begin} bytes, but its shape needs {expected}");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] Integers(JsonElement value, string property, string name, Func<string, EncoderFileException> bad)
    {
        if (!value.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw bad($"tensor '{name}' has no {property} array");
        var result = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n) || n < 0)
                throw bad($"tensor '{name}' has {property} {array.GetRawText()}; every entry must be a non-negative integer");
            result[i++] = n;
        }
        return result;
    }

    /// <summary>safetensors requires the data to be covered exactly: tensors back to back from byte 0
    /// to the end of the file, no gaps, no overlaps. A shorter file is a truncated one.</summary>
    private static void CheckOffsets(List<Entry> entries, long dataLength, Func<string, EncoderFileException> bad)
    {
        long expectedBegin = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expectedBegin)
                throw bad(e.Begin < expectedBegin
                    ? $"tensor '{e.Name}' starts at data byte {e.Begin}, inside the tensor before it: the header was changed"
                    : $"tensor '{e.Name}' starts at data byte {e.Begin} but the tensor before it ends at {expectedBegin}: the header was changed");
            if (e.End > dataLength)
                throw bad($"tensor '{e.Name}' needs data bytes [{e.Begin}, {e.End}) but the file holds only {dataLength} data bytes: truncated");
            expectedBegin = e.End;
        }
        if (expectedBegin != dataLength)
            throw bad($"{dataLength - expectedBegin} bytes follow the last tensor's data: bytes were appended, or the header was changed");
    }
}
