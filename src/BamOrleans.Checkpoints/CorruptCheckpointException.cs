namespace BamOrleans.Checkpoints;

/// <summary>
/// A checkpoint blob cannot be trusted: missing, truncated, changed, or not in a format this
/// version reads. The reader catches it and falls back to the previous checkpoint; the message
/// names the blob and what is wrong.
/// </summary>
public sealed class CorruptCheckpointException(string blobName, string reason)
    : Exception($"checkpoint blob {blobName} is corrupt: {reason}")
{
    /// <summary>The full blob name.</summary>
    public string BlobName { get; } = blobName;

    /// <summary>What is wrong, without the blob name.</summary>
    public string Reason { get; } = reason;
}
