namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// The safetensors layout (https://github.com/huggingface/safetensors), the widely read format
/// for named tensors that PyTorch, JAX and the Hugging Face tools load without code from us:
/// <code>
/// header length   uint64 little-endian, N
/// header          N bytes of UTF-8 JSON, right-padded with spaces:
///                 { "__metadata__": { string: string, ... },
///                   "name": { "dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end] }, ... }
/// data            the tensors' raw little-endian bytes, row-major; offsets are relative to the
///                 first data byte, contiguous, and end exactly at the end of the file
/// </code>
/// The format has no checksum of its own: the encoder export keeps the data's SHA-256 in the
/// metadata (<see cref="EncoderFileMetadata"/>) so a changed byte is caught.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>The header key whose value is the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header a reader accepts (the reference implementation's limit), so a
    /// damaged length cannot make it allocate gigabytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The header is padded so the data starts on this boundary and every tensor (stored
    /// widest element first) is naturally aligned for readers that map the file.</summary>
    internal const int Alignment = 8;

    /// <summary>The safetensors dtype name of a checkpoint dtype.</summary>
    public static string DTypeName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "F32",
        TensorDType.Float64 => "F64",
        TensorDType.Int64 => "I64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown tensor dtype"),
    };

    /// <summary>The checkpoint dtype of a safetensors dtype name; false for names an encoder file
    /// does not hold (F16, BF16, I32, ...).</summary>
    public static bool TryParseDType(string name, out TensorDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = TensorDType.Float32; return true;
            case "F64": dtype = TensorDType.Float64; return true;
            case "I64": dtype = TensorDType.Int64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Serializes named tensors and string metadata into one safetensors file.</summary>
    public static byte[] Write(IReadOnlyList<HostTensor> tensors, IReadOnlyDictionary<string, string> metadata) =>
        SafeTensorsWriter.Write(tensors, metadata);

    /// <summary>Parses a safetensors file, checking every length and offset against the bytes
    /// present; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="EncoderFileException">The bytes are not a well-formed safetensors file of
    /// the dtypes this reader knows.</exception>
    public static SafeTensorsContent Read(ReadOnlySpan<byte> bytes, string source) => SafeTensorsReader.Read(bytes, source);
}

/// <summary>What a safetensors file holds.</summary>
/// <param name="Metadata">The "__metadata__" map (empty when the file has none).</param>
/// <param name="Tensors">The tensors in the order of their data.</param>
/// <param name="DataSha256">Lower-case hex SHA-256 of the data section (every byte after the header).</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<HostTensor> Tensors, string DataSha256);
