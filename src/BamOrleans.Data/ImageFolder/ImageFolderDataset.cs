using BamOrleans.Core.Data;

namespace BamOrleans.Data.ImageFolder;

/// <summary>
/// An <see cref="IImageDataset"/> over a folder of JPEG/PNG files (see <see cref="ImageFolderIndex"/>
/// for the layout). Only the file list is held in memory; each image is decoded when its pixels are
/// asked for, so the folder may be far larger than memory. Safe to read from many threads.
/// </summary>
public sealed class ImageFolderDataset : IImageDataset
{
    private readonly ImageFolderIndex _index;

    /// <param name="root">Folder with one sub-folder per class, or with images directly inside (unlabelled).</param>
    /// <param name="size">Every image is scaled (shorter side) and centre-cropped to size×size.</param>
    /// <param name="colorMode">One grayscale channel or three RGB channels.</param>
    public ImageFolderDataset(string root, int size, ImageColorMode colorMode = ImageColorMode.Rgb)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _index = ImageFolderIndex.Scan(root);
        Root = root;
        ColorMode = colorMode;
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        Shape = new ImageShape(colorMode == ImageColorMode.Rgb ? 3 : 1, size, size);
    }

    /// <summary>File extensions that are read (compared without regard to case).</summary>
    public static IReadOnlyList<string> Extensions => ImageFolderIndex.Extensions;

    public string Root { get; }
    public ImageColorMode ColorMode { get; }
    public string Name { get; }
    public int Count => _index.Files.Length;
    public ImageShape Shape { get; }
    public int ClassCount => _index.ClassNames.Length;

    /// <summary>Class sub-folder names; label i is <c>ClassNames[i]</c>. Empty when unlabelled.</summary>
    public IReadOnlyList<string> ClassNames => _index.ClassNames;

    /// <summary>Path of image <paramref name="index"/>, for messages and reports.</summary>
    public string FilePath(int index) => _index.Files[CheckIndex(index)];

    public int Label(int index) => _index.Labels is null ? -1 : _index.Labels[CheckIndex(index)];

    public void CopyPixels(int index, Span<byte> destination)
    {
        if (destination.Length < Shape.PixelCount)
            throw new ArgumentException($"Destination holds {destination.Length} bytes; one {Shape} image needs {Shape.PixelCount}.", nameof(destination));
        ImageFileDecoder.Decode(_index.Files[CheckIndex(index)], Shape.Width, ColorMode, destination);
    }

    private int CheckIndex(int index) =>
        (uint)index < (uint)Count
            ? index
            : throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} is outside '{Name}' (0..{Count - 1}).");
}
