using BamOrleans.GrainStorage;
using BamOrleans.Silo;
using BamOrleans.Storage.Tests.Azurite;
using BamOrleans.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Storage.Tests.GrainStorage;

/// <summary>
/// The grain storage registered in a real silo: a [PersistentState] grain keeps its state in a
/// local folder and in Azurite, across deactivation.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiloGrainStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    public const string FolderStorage = "blob-folder";
    public const string AzureStorage = "blob-azure";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bam-silo-grains-{Guid.NewGuid():N}");
    private readonly string _container = AzuriteFixture.NewContainerName();
    private IHost? _host;

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Take(2);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(ports[0], ports[1])
            .AddBlobGrainStorage(FolderStorage, _ => new LocalFolderBlobStore(_root))
            .AddBlobGrainStorage(AzureStorage, _ => new AzureBlobStore(azurite.Server.ConnectionString, _container)));
        _host = builder.Build();
        await _host.StartAsync();
    }

    [Theory]
    [InlineData(typeof(FolderCounterGrain), FolderStorage)]
    [InlineData(typeof(AzureCounterGrain), AzureStorage)]
    public async Task A_persistent_grain_keeps_its_state_in_the_blob_store_across_deactivation(Type grainClass, string storageName)
    {
        var grains = _host!.Services.GetRequiredService<IGrainFactory>();
        var grain = grains.GetGrain<ICounterGrain>("run/1", grainClass.FullName);
        Assert.Equal(1, await grain.Increment());
        Assert.Equal(2, await grain.Increment());
        await grain.Deactivate();
        Assert.Equal(2, await grain.Get()); // a new activation, read back from the store
        Assert.Equal(3, await grain.Increment());

        var storage = (BlobGrainStorage)_host.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(storageName);
        var blob = Assert.Single(await storage.Store.List(GrainStateBlobNames.Prefix));
        Assert.StartsWith($"{GrainStateBlobNames.Prefix}counter/", blob.Name);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
