using BamOrleans.Storage;

namespace BamOrleans.Tests.Shared;

/// <summary>One Azurite for the tests that share this fixture (a collection or a class fixture), stopped by
/// process id at the end; each test gets its own container, so tests never see each other's blobs.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite not started");

    public async Task InitializeAsync() => _server = await AzuriteServer.Start(TimeSpan.FromSeconds(60));

    /// <summary>A store on a new, empty container (created by EnsureReady).</summary>
    public async Task<AzureBlobStore> NewStore() => (await NewStoreAndContainer()).Store;

    /// <summary>A store on a new container, and the SDK's own client on that container, to look at what the store did.</summary>
    public async Task<(AzureBlobStore Store, Azure.Storage.Blobs.BlobContainerClient Container)> NewStoreAndContainer()
    {
        var name = NewContainerName();
        var store = new AzureBlobStore(Server.ConnectionString, name);
        await store.EnsureReady();
        return (store, new Azure.Storage.Blobs.BlobContainerClient(Server.ConnectionString, name));
    }

    public static string NewContainerName() => $"test-{Guid.NewGuid():N}";

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
