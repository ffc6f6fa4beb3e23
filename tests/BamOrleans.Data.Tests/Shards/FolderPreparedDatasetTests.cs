using BamOrleans.Storage;

namespace BamOrleans.Data.Tests.Shards;

/// <summary>The prepared-dataset contract on a local folder store, one fresh folder per test.</summary>
public sealed class FolderPreparedDatasetTests : PreparedDatasetContract, IDisposable
{
    private readonly TempDirectory _root = new();

    protected override Task<IBlobStore> NewStore() => Task.FromResult<IBlobStore>(new LocalFolderBlobStore(_root.File("store")));

    public void Dispose() => _root.Dispose();
}
