using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Data.ImageFolder;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>The images `bam dataset prepare` copies into the store, as its options describe them,
/// with the class names when the source has them.</summary>
internal sealed record PreparationSource(IImageDataset Images, IReadOnlyList<string>? ClassNames)
{
    /// <param name="kind">fashion-mnist or folder.</param>
    /// <param name="split">train or test, for Fashion-MNIST only; null: train.</param>
    /// <param name="imageSize">Side images of a folder are scaled to; null: the default, for a folder only.</param>
    /// <exception cref="ArgumentException">An option that does not fit the kind; the message names it and the fix.</exception>
    public static PreparationSource Load(string path, string kind, string? split, int? imageSize)
    {
        if (!DatasetKindParser.TryParse(kind, out var parsed))
            throw new ArgumentException($"--kind {kind}: unknown; use fashion-mnist or folder.");
        if (parsed == DatasetKind.FashionMnist)
        {
            if (imageSize is not null)
                throw new ArgumentException($"--image-size applies to --kind folder only: Fashion-MNIST images are {FashionMnist.ImageSize}x{FashionMnist.ImageSize}; drop --image-size.");
            var images = FashionMnist.Load(path, ParseSplit(split));
            return new PreparationSource(images, FashionMnist.ClassNames);
        }
        if (split is not null)
            throw new ArgumentException("--split applies to --kind fashion-mnist only: an image folder is one split; point --source at the folder you want and drop --split.");
        var size = imageSize ?? DefaultImageSize;
        if (size < 1)
            throw new ArgumentException($"--image-size {size}: give the side of the square images in pixels, at least 1 (default {DefaultImageSize}).");
        var folder = new ImageFolderDataset(path, size);
        return new PreparationSource(folder, folder.ClassCount > 0 ? folder.ClassNames : null);
    }

    public const int DefaultImageSize = 32;

    private static FashionMnistSplit ParseSplit(string? split) => split?.ToLowerInvariant() switch
    {
        null or "train" => FashionMnistSplit.Train,
        "test" => FashionMnistSplit.Test,
        _ => throw new ArgumentException($"--split {split}: unknown; use train or test."),
    };
}
