namespace BamOrleans.Storage;

/// <summary>
/// A flat namespace of named blobs ("runs/r1/checkpoints/000120/model.bin"; '/' is just a
/// character of the name). Every write is all-or-nothing: a reader sees the previous content or
/// the complete new one, never a partial blob. Implementations: Azure Blob Storage and a local
/// folder; both pass the same contract tests.
/// </summary>
public interface IBlobStore
{
    /// <summary>Where this store writes, for logs and error messages (never a secret).</summary>
    string Description { get; }

    /// <summary>Checks the configuration now (reachable, container present or creatable, writable),
    /// so a bad setting fails at start with <see cref="BlobStoreConfigurationException"/> naming it.</summary>
    Task EnsureReady(CancellationToken cancellation = default);

    /// <summary>Writes <paramref name="content"/> (read to its end) under <paramref name="name"/>,
    /// replacing any blob there; visible only once complete. Large contents go up in blocks, in
    /// parallel. The returned info carries the content's SHA-256.</summary>
    /// <param name="ifMatch">Optimistic concurrency: null writes unconditionally;
    /// <see cref="BlobCondition.MustNotExist"/> only if no blob has the name; an ETag only if the
    /// current blob has that ETag. A failed condition throws <see cref="BlobConditionFailedException"/>.</param>
    Task<BlobInfo> Write(string name, Stream content, BlobCondition? ifMatch = null, CancellationToken cancellation = default);

    /// <summary>The whole blob, or null if there is none by that name.</summary>
    Task<BlobContent?> Read(string name, CancellationToken cancellation = default);

    /// <summary>The blob's properties, or null if there is none.</summary>
    Task<BlobInfo?> GetInfo(string name, CancellationToken cancellation = default);

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, in ordinal name order.</summary>
    Task<IReadOnlyList<BlobInfo>> List(string prefix, CancellationToken cancellation = default);

    /// <summary>Deletes the blob; false if there was none. With <paramref name="ifMatch"/> (an
    /// ETag), only if the blob still has it, else <see cref="BlobConditionFailedException"/>.</summary>
    Task<bool> Delete(string name, string? ifMatch = null, CancellationToken cancellation = default);
}

/// <summary>A blob's properties.</summary>
/// <param name="Name">Its full name.</param>
/// <param name="Length">Bytes.</param>
/// <param name="ETag">Changes on every write; the token for conditional writes and deletes.</param>
/// <param name="LastModified">When it was last written (UTC).</param>
/// <param name="Sha256">The content's SHA-256 (lower-case hex): computed by <see cref="IBlobStore.Write"/>
/// over the bytes it stored and by <see cref="IBlobStore.Read"/> over the bytes it returns; null from
/// <see cref="IBlobStore.GetInfo"/> and <see cref="IBlobStore.List"/>, which do not read the content.</param>
public sealed record BlobInfo(string Name, long Length, string ETag, DateTimeOffset LastModified, string? Sha256 = null);

/// <summary>A blob's bytes and properties.</summary>
public sealed record BlobContent(BlobInfo Info, byte[] Data);

/// <summary>A precondition on a write.</summary>
public sealed record BlobCondition
{
    private BlobCondition(string? eTag) => ETag = eTag;

    /// <summary>The ETag the current blob must have; null for "no blob by that name".</summary>
    public string? ETag { get; }

    public static BlobCondition MustNotExist { get; } = new((string?)null);

    public static BlobCondition IfMatch(string eTag) =>
        new(string.IsNullOrEmpty(eTag) ? throw new ArgumentException("an ETag is required", nameof(eTag)) : eTag);
}

/// <summary>A conditional write or delete found another ETag (someone else wrote first).</summary>
public sealed class BlobConditionFailedException(string name, string? expected, string? actual)
    : Exception($"blob {name} was expected to {(expected is null ? "not exist" : $"have ETag {expected}")} but {(actual is null ? "does not exist" : $"has ETag {actual}")}: another writer changed it; re-read and retry")
{
    public string BlobName { get; } = name;
}

/// <summary>The store's configuration cannot work (wrong connection string, missing container,
/// no permission, unwritable folder). The message names the setting and the fix.</summary>
public sealed class BlobStoreConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
