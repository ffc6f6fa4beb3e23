using BamOrleans.Tests.Shared;

namespace BamOrleans.Storage.Tests.Azurite;

/// <summary>Every Azure test of this project shares one Azurite (tests/Shared/AzuriteFixture.cs).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
