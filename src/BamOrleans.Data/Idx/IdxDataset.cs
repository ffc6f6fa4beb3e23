using BamOrleans.Core.Data;

namespace BamOrleans.Data.Idx;

/// <summary>Pairs an idx image file with its label file into an in-memory dataset.</summary>
public static class IdxDataset
{
    /// <summary>
    /// Loads both files and checks they belong together: as many labels as images, every label
    /// in 0..<paramref name="classCount"/>−1. Images are single-channel (1×rows×columns).
    /// </summary>
    public static InMemoryImageDataset Load(
        string imagesPath, string labelsPath, int classCount, string name, string remedy = IdxFormat.DefaultRemedy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var images = IdxReader.ReadImages(imagesPath, remedy);
        var labelBytes = IdxReader.ReadLabels(labelsPath, remedy);
        if (labelBytes.Length != images.Count)
            throw new InvalidDataException(
                $"{labelsPath} has {labelBytes.Length} labels but {imagesPath} has {images.Count} images; " +
                $"the two files must come from the same split. {remedy}");

        var labels = new int[labelBytes.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labelBytes[i] >= classCount)
                throw new InvalidDataException(
                    $"{labelsPath} has label {labelBytes[i]} at index {i}, outside 0..{classCount - 1}. {remedy}");
            labels[i] = labelBytes[i];
        }
        return new InMemoryImageDataset(name, new ImageShape(1, images.Rows, images.Columns), images.Pixels, labels, classCount);
    }
}
