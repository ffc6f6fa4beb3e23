using BamOrleans.Data.ImageFolder;
using BamOrleans.Data.Shards;
using BamOrleans.Data.Tests.ImageFolder;
using BamOrleans.Storage;
using Serilog.Core;

namespace BamOrleans.Data.Tests.Shards;

/// <summary>Preparing from a real image folder: what a failure in the source does to the store.</summary>
public sealed class DatasetFromImageFolderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    [Fact]
    public async Task A_damaged_image_fails_the_preparation_and_the_replaced_dataset_stays_readable()
    {
        var store = new LocalFolderBlobStore(_root.File("store"));
        var writer = new PreparedDatasetWriter(store, Logger.None);
        var old = SyntheticImages.Labelled(5);
        await writer.Write("photos", old, imagesPerShard: 2);
        TestImages.Write(_root.File("folder", "cats", "a.png"), 6, 6, TestImages.Gradient);
        TestImages.Write(_root.File("folder", "dogs", "b.png"), 6, 6, TestImages.Gradient);
        File.WriteAllBytes(_root.File("folder", "dogs", "c.png"), "not a png"u8.ToArray());
        var folder = new ImageFolderDataset(_root.File("folder"), 4);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => writer.Write("photos", folder, imagesPerShard: 1, replace: true));

        Assert.Contains("c.png", error.Message);

        var still = await PreparedDataset.Open(store, "photos");
        Assert.Equal(old.Count, still.Count);
        Assert.Equal(SyntheticImages.PixelsOf(old, 4), SyntheticImages.PixelsOf(still, 4));
    }

    [Fact]
    public async Task A_folder_comes_back_as_decoded_with_its_class_names()
    {
        var store = new LocalFolderBlobStore(_root.File("store"));
        TestImages.Write(_root.File("folder", "cats", "a.png"), 6, 6, TestImages.Gradient);
        TestImages.Write(_root.File("folder", "dogs", "b.png"), 8, 6, (x, y) => TestImages.Solid(200, 10, 30, x, y));
        var folder = new ImageFolderDataset(_root.File("folder"), 4);

        await new PreparedDatasetWriter(store, Logger.None).Write("pets", folder, classNames: folder.ClassNames);
        var prepared = await PreparedDataset.Open(store, "pets");

        Assert.Equal(["cats", "dogs"], prepared.ClassNames);
        for (var i = 0; i < folder.Count; i++)
        {
            Assert.Equal(SyntheticImages.PixelsOf(folder, i), SyntheticImages.PixelsOf(prepared, i));
            Assert.Equal(folder.Label(i), prepared.Label(i));
        }
    }

    public void Dispose() => _root.Dispose();
}
