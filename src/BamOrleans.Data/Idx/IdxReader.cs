namespace BamOrleans.Data.Idx;

/// <summary>Reads idx image and label files (MNIST, Fashion-MNIST), gzip-compressed or raw.</summary>
public static class IdxReader
{
    /// <summary>Reads an image file (magic 0x00000803). Throws <see cref="InvalidDataException"/>
    /// naming the file and <paramref name="remedy"/> when anything about it is wrong.</summary>
    public static IdxImages ReadImages(string path, string remedy = IdxFormat.DefaultRemedy)
    {
        using var idx = IdxStream.Open(path, remedy);
        var sizes = idx.ReadHeader(IdxFormat.ImagesMagic, "image");
        int count = sizes[0], rows = sizes[1], columns = sizes[2];
        if (count < 0 || rows <= 0 || columns <= 0)
            throw idx.Invalid($"has invalid dimensions in its header: {count} images of {rows}x{columns}");

        var describe = $"{count} images of {rows}x{columns}";
        var pixels = idx.ReadPayload((long)count * rows * columns, describe);
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a label file (magic 0x00000801) as one byte per label.</summary>
    public static byte[] ReadLabels(string path, string remedy = IdxFormat.DefaultRemedy)
    {
        using var idx = IdxStream.Open(path, remedy);
        var count = idx.ReadHeader(IdxFormat.LabelsMagic, "label")[0];
        if (count < 0)
            throw idx.Invalid($"has an invalid label count in its header: {count}");
        return idx.ReadPayload(count, $"{count} labels");
    }
}
