using BamOrleans.Storage;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>The commit and corruption scenarios on the local-folder store, in a fresh temporary folder per test.</summary>
[Collection(TorchCollection.Name)]
public sealed class FolderCommitAndCorruptionTests : CommitAndCorruptionTests
{
    protected override Task<IBlobStore> OpenStore() => Task.FromResult<IBlobStore>(new TemporaryFolderBlobStore());
}
