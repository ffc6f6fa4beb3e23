using BamOrleans.Data.Idx;

namespace BamOrleans.Data.Tests.Idx;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Pairs_images_with_labels()
    {
        var pixels = IdxBytes.Pattern(3 * 5 * 4);
        IdxWriter.WriteImages(_dir.File("images"), rows: 5, columns: 4, pixels, gzip: true);
        IdxWriter.WriteLabels(_dir.File("labels"), [2, 0, 1], gzip: false);

        var dataset = IdxDataset.Load(_dir.File("images"), _dir.File("labels"), classCount: 3, "tiny");

        Assert.Equal(("tiny", 3, 3), (dataset.Name, dataset.Count, dataset.ClassCount));
        Assert.Equal(new Core.Data.ImageShape(1, 5, 4), dataset.Shape);
        Assert.Equal([2, 0, 1], Enumerable.Range(0, 3).Select(dataset.Label));
        var second = new byte[20];
        dataset.CopyPixels(1, second);
        Assert.Equal(pixels[20..40], second);
    }

    [Fact]
    public void Label_count_mismatch_names_both_files()
    {
        IdxWriter.WriteImages(_dir.File("images"), 2, 2, new byte[3 * 4], gzip: false);
        IdxWriter.WriteLabels(_dir.File("labels"), [0, 1], gzip: false);

        var error = Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Load(_dir.File("images"), _dir.File("labels"), 10, "x", "Fix it."));

        Assert.Equal($"{_dir.File("labels")} has 2 labels but {_dir.File("images")} has 3 images; " +
                     "the two files must come from the same split. Fix it.", error.Message);
    }

    [Fact]
    public void Label_out_of_range_names_file_index_and_value()
    {
        IdxWriter.WriteImages(_dir.File("images"), 2, 2, new byte[3 * 4], gzip: false);
        IdxWriter.WriteLabels(_dir.File("labels"), [0, 10, 1], gzip: true);

        var error = Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Load(_dir.File("images"), _dir.File("labels"), 10, "x"));

        Assert.StartsWith($"{_dir.File("labels")} has label 10 at index 1, outside 0..9.", error.Message);
    }
}
