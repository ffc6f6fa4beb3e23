using BamOrleans.Storage;
using BamOrleans.Tests.Shared;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>
/// The commit and corruption scenarios on the Azure store, against a real Azurite this class starts
/// (and kills by process id when its tests are done); each test gets its own container.
/// </summary>
/// <remarks>A class fixture rather than a collection fixture: these tests must stay in
/// <see cref="TorchCollection"/> (they train), and a class belongs to one collection only.</remarks>
[Collection(TorchCollection.Name)]
public sealed class AzuriteCommitAndCorruptionTests(AzuriteFixture azurite) : CommitAndCorruptionTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IBlobStore> OpenStore() => await azurite.NewStore();
}
