namespace BamOrleans.Storage.Tests.Configuration;

/// <summary>A folder store that cannot write fails at start, naming the folder and the setting.</summary>
public sealed class BadFolderConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bam-badfolder-").FullName;

    [Fact]
    public async Task A_folder_under_a_file_is_reported_with_the_path_and_the_setting()
    {
        var file = Path.Combine(_root, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var folder = Path.Combine(file, "blobs");
        var error = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => new LocalFolderBlobStore(folder).EnsureReady());
        Assert.Contains(folder, error.Message);
        Assert.Contains("BlobStoreOptions.Path", error.Message);
    }

    [Fact]
    public async Task A_missing_folder_is_created_and_the_probe_leaves_nothing()
    {
        var folder = Path.Combine(_root, "new", "blobs");
        await new LocalFolderBlobStore(folder).EnsureReady();
        Assert.True(Directory.Exists(folder));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
