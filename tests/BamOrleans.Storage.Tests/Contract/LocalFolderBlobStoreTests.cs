using Xunit.Abstractions;

namespace BamOrleans.Storage.Tests.Contract;

/// <summary>The contract against a local folder, plus what only a folder can show: no temporary files are left.</summary>
public sealed class LocalFolderBlobStoreTests(ITestOutputHelper output) : BlobStoreContract(output)
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bam-blobs-{Guid.NewGuid():N}");

    protected override async Task<IBlobStore> CreateStore()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.EnsureReady();
        return store;
    }

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Failed_writes_leave_no_file_behind_and_blobs_are_plain_files()
    {
        await Write("f/blob", "content"u8.ToArray());
        await Assert.ThrowsAsync<IOException>(() => Store.Write("f/blob", new FailingStream(new byte[100], 50)));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Write("f/blob", [1], BlobCondition.MustNotExist));

        var files = Directory.GetFiles(_root, "*", SearchOption.AllDirectories);
        Assert.Equal([Path.Combine(_root, "f", "blob")], files);
        Assert.Equal("content", File.ReadAllText(files[0]));
    }

    [Fact]
    public async Task A_blob_cannot_also_be_a_folder_and_the_error_says_so()
    {
        await Write("p", [1]);
        var error = await Assert.ThrowsAsync<IOException>(() => Write("p/child", [2]));
        Assert.Contains("cannot hold a blob", error.Message);
        await Write("q/child", [3]);
        error = await Assert.ThrowsAsync<IOException>(() => Write("q", [4]));
        Assert.Contains("is a folder", error.Message);
        Assert.Null(await Store.Read("q"));
    }
}
