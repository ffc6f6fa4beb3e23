using BamOrleans.Data.Idx;

namespace BamOrleans.Data.Tests.Idx;

public sealed class FashionMnistTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(FashionMnistSplit.Train, true)]
    [InlineData(FashionMnistSplit.Test, false)]
    public void Loads_a_split_gzip_or_raw(FashionMnistSplit split, bool gzip)
    {
        var (imagesStem, labelsStem) = FashionMnist.FileStems(split);
        var suffix = gzip ? ".gz" : "";
        var pixels = IdxBytes.Pattern(4 * 28 * 28, salt: 3);
        IdxWriter.WriteImages(_dir.File(imagesStem + suffix), 28, 28, pixels, gzip);
        IdxWriter.WriteLabels(_dir.File(labelsStem + suffix), [9, 0, 4, 4], gzip);

        var dataset = FashionMnist.Load(_dir.Path, split);

        Assert.Equal(4, dataset.Count);
        Assert.Equal(new Core.Data.ImageShape(1, 28, 28), dataset.Shape);
        Assert.Equal(10, dataset.ClassCount);
        Assert.Equal(9, dataset.Label(0));
        var last = new byte[784];
        dataset.CopyPixels(3, last);
        Assert.Equal(pixels[(3 * 784)..], last);
    }

    [Fact]
    public void Missing_directory_names_the_package_and_the_option()
    {
        var missing = _dir.File("not-here");

        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing, FashionMnistSplit.Train));

        Assert.Contains(missing, error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
        Assert.Contains("--data", error.Message);
    }

    [Fact]
    public void Missing_file_names_the_file_the_package_and_the_option()
    {
        IdxWriter.WriteImages(_dir.File("t10k-images-idx3-ubyte.gz"), 28, 28, new byte[784], gzip: true);

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_dir.Path, FashionMnistSplit.Test));

        Assert.Contains(_dir.File("t10k-labels-idx1-ubyte.gz"), error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
        Assert.Contains("--data", error.Message);
    }

    [Fact]
    public void Corrupt_file_error_suggests_reinstalling_the_package()
    {
        IdxBytes.Write(_dir.File("train-images-idx3-ubyte.gz"), IdxBytes.Build(IdxFormat.ImagesMagic, [60000, 28, 28], new byte[1234]), gzip: true);
        IdxWriter.WriteLabels(_dir.File("train-labels-idx1-ubyte.gz"), new byte[60000], gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir.Path, FashionMnistSplit.Train));

        Assert.Equal($"{_dir.File("train-images-idx3-ubyte.gz")} is truncated: header says 60000 images of 28x28 (47040000 bytes) " +
                     "but only 1234 bytes follow. Re-install the dataset (apt-get install --reinstall dataset-fashion-mnist) " +
                     "or pass --data to a good copy.", error.Message);
    }

    [Fact]
    public void Images_of_the_wrong_size_are_rejected()
    {
        IdxWriter.WriteImages(_dir.File("train-images-idx3-ubyte.gz"), 32, 32, new byte[2 * 32 * 32], gzip: true);
        IdxWriter.WriteLabels(_dir.File("train-labels-idx1-ubyte.gz"), [0, 1], gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir.Path, FashionMnistSplit.Train));

        Assert.Contains("32x32", error.Message);
        Assert.Contains("28x28", error.Message);
    }
}
