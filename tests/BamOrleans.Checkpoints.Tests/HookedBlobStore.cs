using BamOrleans.Storage;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>
/// A store decorator for writer tests: runs a hook before every write and delete (to observe
/// the store between operations, or to hold an upload), and fails writes whose name matches
/// <see cref="FailWrite"/> (a kill between the blobs and the manifest).
/// </summary>
internal sealed class HookedBlobStore(IBlobStore inner) : IBlobStore
{
    public Func<string, Task>? BeforeChange { get; set; }

    public Func<string, bool>? FailWrite { get; set; }

    public string Description => "hooked " + inner.Description;

    public Task EnsureReady(CancellationToken cancellation = default) => inner.EnsureReady(cancellation);

    public async Task<BlobInfo> Write(string name, Stream content, BlobCondition? ifMatch = null, CancellationToken cancellation = default)
    {
        if (BeforeChange is { } hook) await hook(name);
        if (FailWrite?.Invoke(name) == true) throw new IOException($"simulated crash before writing {name}");
        return await inner.Write(name, content, ifMatch, cancellation);
    }

    public Task<BlobContent?> Read(string name, CancellationToken cancellation = default) => inner.Read(name, cancellation);

    public Task<BlobInfo?> GetInfo(string name, CancellationToken cancellation = default) => inner.GetInfo(name, cancellation);

    public Task<IReadOnlyList<BlobInfo>> List(string prefix, CancellationToken cancellation = default) => inner.List(prefix, cancellation);

    public async Task<bool> Delete(string name, string? ifMatch = null, CancellationToken cancellation = default)
    {
        if (BeforeChange is { } hook) await hook(name);
        return await inner.Delete(name, ifMatch, cancellation);
    }
}
