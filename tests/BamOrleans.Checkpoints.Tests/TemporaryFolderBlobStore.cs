using BamOrleans.Storage;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>The real local-folder blob store on a fresh temporary folder, deleted on dispose.</summary>
internal sealed class TemporaryFolderBlobStore : IBlobStore, IDisposable
{
    private readonly LocalFolderBlobStore _store;

    public TemporaryFolderBlobStore()
    {
        Root = Directory.CreateTempSubdirectory("bam-checkpoints-").FullName;
        _store = new LocalFolderBlobStore(Root);
    }

    public string Root { get; }

    public string Description => _store.Description;

    public Task EnsureReady(CancellationToken cancellation = default) => _store.EnsureReady(cancellation);

    public Task<BlobInfo> Write(string name, Stream content, BlobCondition? ifMatch = null, CancellationToken cancellation = default) =>
        _store.Write(name, content, ifMatch, cancellation);

    public Task<BlobContent?> Read(string name, CancellationToken cancellation = default) => _store.Read(name, cancellation);

    public Task<BlobInfo?> GetInfo(string name, CancellationToken cancellation = default) => _store.GetInfo(name, cancellation);

    public Task<IReadOnlyList<BlobInfo>> List(string prefix, CancellationToken cancellation = default) => _store.List(prefix, cancellation);

    public Task<bool> Delete(string name, string? ifMatch = null, CancellationToken cancellation = default) =>
        _store.Delete(name, ifMatch, cancellation);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
