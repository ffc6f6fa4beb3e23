namespace BamOrleans.Data.ImageFolder;

/// <summary>
/// The files of an image folder and their labels, listed once up front (pixels are decoded later).
/// Layout: one sub-folder per class, searched recursively, classes numbered in ordinal order of
/// their names; or images directly in the root and no sub-folders, which makes an unlabelled set.
/// Files and folders whose names start with '.' are skipped (editor and OS droppings such as
/// macOS "._x.jpg" resource forks would otherwise fail to decode).
/// </summary>
internal sealed record ImageFolderIndex(string[] Files, int[]? Labels, string[] ClassNames)
{
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png"];

    private static readonly EnumerationOptions TopLevel = new() { AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
    private static readonly EnumerationOptions Recursive = new() { AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, RecurseSubdirectories = true };

    public static ImageFolderIndex Scan(string root)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Image folder {root} does not exist. Pass --data to a folder of images " +
                                                 "(one sub-folder per class, or images directly inside for unlabelled data).");

        var classFolders = Directory.GetDirectories(root, "*", TopLevel);
        Array.Sort(classFolders, StringComparer.Ordinal);
        var looseImages = ImagesIn(root, TopLevel);

        if (classFolders.Length == 0)
        {
            if (looseImages.Length == 0)
                throw new InvalidDataException($"Image folder {root} is empty: it holds no {string.Join("/", Extensions)} files and no class sub-folders. " +
                                               "Put the images in it (one sub-folder per class for labelled data) or pass --data to another folder.");
            return new ImageFolderIndex(looseImages, Labels: null, ClassNames: []);
        }

        if (looseImages.Length > 0)
            throw new InvalidDataException($"Image folder {root} mixes {looseImages.Length} images directly inside it (e.g. {looseImages[0]}) " +
                                           $"with class sub-folders ({string.Join(", ", classFolders.Take(3).Select(Path.GetFileName))}" +
                                           $"{(classFolders.Length > 3 ? ", …" : "")}). Move the loose images into a class folder, " +
                                           "or use a folder with no sub-folders for unlabelled data.");

        var files = new List<string>();
        var labels = new List<int>();
        for (var label = 0; label < classFolders.Length; label++)
        {
            var images = ImagesIn(classFolders[label], Recursive);
            if (images.Length == 0)
                throw new InvalidDataException($"Class folder {classFolders[label]} of image folder {root} holds no {string.Join("/", Extensions)} files. " +
                                               "Add images to it or remove it (every sub-folder is a class).");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Length));
        }
        return new ImageFolderIndex(files.ToArray(), labels.ToArray(), classFolders.Select(f => Path.GetFileName(f)!).ToArray());
    }

    private static string[] ImagesIn(string folder, EnumerationOptions options)
    {
        var images = Directory.EnumerateFiles(folder, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .ToArray();
        // Sorted so that index → file is the same on every machine and every run.
        Array.Sort(images, StringComparer.Ordinal);
        return images;
    }
}
