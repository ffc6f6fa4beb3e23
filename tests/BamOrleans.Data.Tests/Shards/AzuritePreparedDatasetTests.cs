using BamOrleans.Storage;
using BamOrleans.Tests.Shared;

namespace BamOrleans.Data.Tests.Shards;

/// <summary>Every Azure test of this project shares one Azurite (tests/Shared/AzuriteFixture.cs).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

/// <summary>The prepared-dataset contract on Azure Blob Storage (Azurite), one new container per test.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuritePreparedDatasetTests(AzuriteFixture azurite) : PreparedDatasetContract
{
    protected override async Task<IBlobStore> NewStore() => await azurite.NewStore();
}
