using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using BamOrleans.Storage.Tests.Azurite;
using BamOrleans.Tests.Shared;
using Xunit.Abstractions;

namespace BamOrleans.Storage.Tests.Contract;

/// <summary>The contract against Azure Blob Storage's API, served by a real Azurite; plus how the
/// blocks look to the service (seen through the SDK's own client).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite, ITestOutputHelper output) : BlobStoreContract(output)
{
    private BlobContainerClient? _container;

    protected override async Task<IBlobStore> CreateStore()
    {
        var (store, container) = await azurite.NewStoreAndContainer();
        _container = container;
        return store;
    }

    [Fact]
    public async Task A_large_write_is_committed_as_4_MiB_blocks_and_a_failed_one_commits_none()
    {
        await Write("big", RandomBytes(9 << 20, 9));
        var blocks = (await _container!.GetBlockBlobClient("big").GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal([4 << 20, 4 << 20, 1 << 20], blocks.CommittedBlocks.Select(b => b.SizeLong));
        Assert.Empty(blocks.UncommittedBlocks);

        await Assert.ThrowsAsync<IOException>(() => Store.Write("big", new FailingStream(RandomBytes(12 << 20, 1), 10 << 20)));
        blocks = (await _container.GetBlockBlobClient("big").GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal(3, blocks.CommittedBlocks.Count()); // the committed version is untouched
        Assert.Equal(9 << 20, (await Store.GetInfo("big"))!.Length);
    }

    [Fact]
    public async Task A_small_write_is_one_request_with_no_block_list()
    {
        await Write("small", RandomBytes(1000, 3));
        var blocks = (await _container!.GetBlockBlobClient("small").GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Empty(blocks.CommittedBlocks);
    }
}
