using BamOrleans.Data.Idx;

namespace BamOrleans.Data.Tests.Idx;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Images_round_trip_exactly(bool gzip)
    {
        var pixels = IdxBytes.Pattern(5 * 4 * 3);
        var path = _dir.File(gzip ? "images.gz" : "images");
        IdxWriter.WriteImages(path, rows: 4, columns: 3, pixels, gzip);

        var images = IdxReader.ReadImages(path);

        Assert.Equal((5, 4, 3), (images.Count, images.Rows, images.Columns));
        Assert.Equal(pixels, images.Pixels);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Labels_round_trip_exactly(bool gzip)
    {
        byte[] labels = [3, 0, 9, 1, 1, 7];
        var path = _dir.File(gzip ? "labels.gz" : "labels");
        IdxWriter.WriteLabels(path, labels, gzip);

        Assert.Equal(labels, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Compression_is_detected_from_content_not_name()
    {
        var pixels = IdxBytes.Pattern(2 * 2 * 2);
        var gzipWithoutSuffix = _dir.File("images-idx3-ubyte");
        var rawWithSuffix = _dir.File("images-idx3-ubyte.gz");
        IdxWriter.WriteImages(gzipWithoutSuffix, 2, 2, pixels, gzip: true);
        IdxWriter.WriteImages(rawWithSuffix, 2, 2, pixels, gzip: false);

        Assert.Equal(pixels, IdxReader.ReadImages(gzipWithoutSuffix).Pixels);
        Assert.Equal(pixels, IdxReader.ReadImages(rawWithSuffix).Pixels);
    }

    [Fact]
    public void Zero_images_is_a_valid_empty_file()
    {
        var path = _dir.File("empty-images");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.ImagesMagic, [0, 28, 28], []), gzip: false);

        Assert.Equal(0, IdxReader.ReadImages(path).Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Truncated_payload_names_file_sizes_and_fix(bool gzip)
    {
        var path = _dir.File(gzip ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.ImagesMagic, [10, 28, 28], new byte[1234]), gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path, "Re-install it."));

        Assert.Equal($"{path} is truncated: header says 10 images of 28x28 (7840 bytes) but only 1234 bytes follow. Re-install it.",
                     error.Message);
    }

    [Fact]
    public void Truncated_labels_name_the_file()
    {
        var path = _dir.File("labels");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.LabelsMagic, [100], new byte[99]), gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("100 labels", error.Message);
        Assert.Contains("only 99 bytes follow", error.Message);
    }

    [Fact]
    public void Truncated_header_names_the_file()
    {
        var path = _dir.File("short");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith($"{path} is truncated inside its header", error.Message);
    }

    [Fact]
    public void Empty_file_names_the_file()
    {
        var path = _dir.File("zero-bytes");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.StartsWith($"{path} is too short to be an idx label file", error.Message);
    }

    [Fact]
    public void Label_file_read_as_images_reports_bad_magic_and_what_it_looks_like()
    {
        var path = _dir.File("labels-not-images");
        IdxWriter.WriteLabels(path, [1, 2, 3], gzip: false);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith($"{path} is not an idx image file: magic number is 0x00000801, expected 0x00000803", error.Message);
        Assert.Contains("looks like an idx label file", error.Message);
        Assert.EndsWith(IdxFormat.DefaultRemedy, error.Message);
    }

    [Theory]
    [InlineData(0x00000D03, "element type 0x0D")]     // floats instead of bytes
    [InlineData(0x00000802, "has 2 dimension(s)")]   // images without a count dimension
    [InlineData(0x3C68746D, "")]                     // "<htm": an error page saved as the dataset
    public void Bad_magic_names_the_file(int magic, string hint)
    {
        var path = _dir.File("bad-magic");
        IdxBytes.Write(path, IdxBytes.Build(magic, [1, 1, 1], [0]), gzip: false);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith($"{path} is not an idx image file: magic number is 0x{magic:X8}", error.Message);
        Assert.Contains(hint, error.Message);
    }

    [Theory]
    [InlineData(-1, 28, 28)]
    [InlineData(5, 0, 28)]
    [InlineData(5, 28, -3)]
    public void Bad_dimensions_name_the_file(int count, int rows, int columns)
    {
        var path = _dir.File("bad-dims.gz");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.ImagesMagic, [count, rows, columns], []), gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path} has invalid dimensions in its header: {count} images of {rows}x{columns}. {IdxFormat.DefaultRemedy}",
                     error.Message);
    }

    [Fact]
    public void Implausibly_large_header_fails_before_allocating()
    {
        var path = _dir.File("huge.gz");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.ImagesMagic, [int.MaxValue, 28, 28], []), gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith($"{path} has an implausible header", error.Message);
    }

    [Fact]
    public void Trailing_data_names_the_file()
    {
        var path = _dir.File("too-long");
        IdxBytes.Write(path, IdxBytes.Build(IdxFormat.LabelsMagic, [3], [1, 2, 3, 4]), gzip: false);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.StartsWith($"{path} has more data than its header announces", error.Message);
    }

    [Fact]
    public void Damaged_gzip_stream_names_the_file()
    {
        var path = _dir.File("damaged.gz");
        IdxWriter.WriteImages(path, 28, 28, IdxBytes.Pattern(3 * 28 * 28), gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (var i = 10; i < bytes.Length; i++)
            bytes[i] ^= 0x5a;   // keep the gzip signature, scramble the deflate data
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void Gzip_cut_short_names_the_file()
    {
        var path = _dir.File("cut.gz");
        IdxWriter.WriteImages(path, 28, 28, IdxBytes.Pattern(50 * 28 * 28), gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = _dir.File("nowhere");

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
    }
}
