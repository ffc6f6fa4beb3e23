using BamOrleans.Core.Data;

namespace BamOrleans.Data.Idx;

/// <summary>Loads Fashion-MNIST (or MNIST, which has the same layout) from a directory of idx files.</summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const int ClassCount = 10;
    public const int ImageSize = 28;

    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    internal const string Remedy =
        "Re-install the dataset (apt-get install --reinstall dataset-fashion-mnist) or pass --data to a good copy.";

    private const string MissingRemedy =
        "Install the dataset (apt-get install dataset-fashion-mnist, which puts it in " + DefaultDirectory +
        ") or pass --data to a directory holding the four idx files.";

    /// <summary>File name stem of a split's images and labels, as published (without ".gz").</summary>
    public static (string Images, string Labels) FileStems(FashionMnistSplit split) => split switch
    {
        FashionMnistSplit.Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        FashionMnistSplit.Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown Fashion-MNIST split."),
    };

    /// <summary>Loads one split as 1×28×28 images with 10 classes. Each file may be gzip-compressed
    /// (name ending in .gz) or raw (no extension); the compressed name is tried first.</summary>
    public static InMemoryImageDataset Load(string directory, FashionMnistSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Fashion-MNIST directory {directory} does not exist. {MissingRemedy}");

        var (imagesStem, labelsStem) = FileStems(split);
        var imagesPath = Locate(directory, imagesStem);
        var labelsPath = Locate(directory, labelsStem);
        var name = $"fashion-mnist/{split.ToString().ToLowerInvariant()}";
        var dataset = IdxDataset.Load(imagesPath, labelsPath, ClassCount, name, Remedy);
        if (dataset.Shape != new ImageShape(1, ImageSize, ImageSize))
            throw new InvalidDataException(
                $"{imagesPath} holds {dataset.Shape.Height}x{dataset.Shape.Width} images but Fashion-MNIST images are " +
                $"{ImageSize}x{ImageSize}. {Remedy}");
        return dataset;
    }

    private static string Locate(string directory, string stem)
    {
        var compressed = Path.Combine(directory, stem + ".gz");
        if (File.Exists(compressed))
            return compressed;
        var raw = Path.Combine(directory, stem);
        if (File.Exists(raw))
            return raw;
        throw new FileNotFoundException($"Fashion-MNIST file {compressed} is missing from {directory}. {MissingRemedy}", compressed);
    }
}
