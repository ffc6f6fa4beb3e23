namespace BamOrleans.Data.Idx;

/// <summary>
/// Constants of the idx format used by MNIST and Fashion-MNIST: a big-endian header
/// <c>00 00 TT DD</c> (TT = element type, DD = number of dimensions), then one big-endian
/// 32-bit size per dimension, then the payload in row-major order.
/// </summary>
public static class IdxFormat
{
    /// <summary>Element type code for unsigned bytes, the only type MNIST-style files use.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The first two bytes of every gzip stream; how compressed files are told apart.</summary>
    internal static ReadOnlySpan<byte> GzipSignature => [0x1f, 0x8b];

    /// <summary>Fix suggested when a file is damaged and no caller gave a more specific one.</summary>
    public const string DefaultRemedy = "Download the file again or pass --data to a directory with a good copy.";
}
