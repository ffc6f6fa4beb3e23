namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// An encoder file cannot be used: not safetensors, truncated, changed after it was written, or
/// not a BAM encoder this version reads. The message names the file and what is wrong.
/// </summary>
public sealed class EncoderFileException(string source, string reason)
    : Exception($"encoder file {source} cannot be used: {reason}")
{
    /// <summary>The file (or other source) that was read.</summary>
    public string FileName { get; } = source;

    /// <summary>What is wrong, without the file name.</summary>
    public string Reason { get; } = reason;
}
