using BamOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace BamOrleans.GrainStorage;

/// <summary>Registers <see cref="BlobGrainStorage"/> as a named (or the default) Orleans grain storage.</summary>
public static class BlobGrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds grain storage <paramref name="name"/> (what <c>[PersistentState("state", name)]</c> names),
    /// keeping state in the store <paramref name="store"/> returns. The serializer is the one
    /// registered under the same name, else the silo's default <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public static ISiloBuilder AddBlobGrainStorage(this ISiloBuilder builder, string name, Func<IServiceProvider, IBlobStore> store)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(store);
        builder.Services.AddGrainStorage(name, (services, key) => new BlobGrainStorage(key, store(services),
            services.GetKeyedService<IGrainStorageSerializer>(key) ?? services.GetRequiredService<IGrainStorageSerializer>()));
        return builder;
    }

    /// <summary>The same, as the storage of grains that name none.</summary>
    public static ISiloBuilder AddBlobGrainStorageAsDefault(this ISiloBuilder builder, Func<IServiceProvider, IBlobStore> store) =>
        builder.AddBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, store);
}
