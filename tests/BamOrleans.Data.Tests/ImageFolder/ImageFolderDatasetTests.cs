using BamOrleans.Data.ImageFolder;
using SkiaSharp;

namespace BamOrleans.Data.Tests.ImageFolder;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Pixels(ImageFolderDataset dataset, int index)
    {
        var pixels = new byte[dataset.Shape.PixelCount];
        dataset.CopyPixels(index, pixels);
        return pixels;
    }

    [Fact]
    public void Class_folders_become_labels_in_ordinal_order_with_files_sorted()
    {
        TestImages.Write(_dir.File("cat", "c1.PNG"), 4, 4, TestImages.Gradient);
        TestImages.Write(_dir.File("cat", "nested", "c2.jpeg"), 4, 4, TestImages.Gradient, SKEncodedImageFormat.Jpeg);
        TestImages.Write(_dir.File("bird", "b2.png"), 4, 4, TestImages.Gradient);
        TestImages.Write(_dir.File("bird", "b1.jpg"), 4, 4, TestImages.Gradient, SKEncodedImageFormat.Jpeg);
        TestImages.Write(_dir.File("bird", ".b0.png"), 4, 4, TestImages.Gradient);   // hidden: skipped
        File.WriteAllText(_dir.File("bird", "notes.txt"), "not an image");

        var dataset = new ImageFolderDataset(_dir.Path, size: 4);

        Assert.Equal(["bird", "cat"], dataset.ClassNames);
        Assert.Equal(2, dataset.ClassCount);
        Assert.Equal(4, dataset.Count);
        Assert.Equal(new Core.Data.ImageShape(3, 4, 4), dataset.Shape);
        Assert.Equal(Path.GetFileName(_dir.Path), dataset.Name);
        Assert.Equal([_dir.File("bird", "b1.jpg"), _dir.File("bird", "b2.png"), _dir.File("cat", "c1.PNG"), _dir.File("cat", "nested", "c2.jpeg")],
                     Enumerable.Range(0, 4).Select(dataset.FilePath));
        Assert.Equal([0, 0, 1, 1], Enumerable.Range(0, 4).Select(dataset.Label));
    }

    [Fact]
    public void Png_centre_crop_is_exact_in_rgb_chw_order()
    {
        TestImages.Write(_dir.File("a", "wide.png"), 6, 4, TestImages.Gradient);

        var dataset = new ImageFolderDataset(_dir.Path, size: 4, ImageColorMode.Rgb);
        var pixels = Pixels(dataset, 0);

        // 6x4 → the shorter side is already 4, so the centre 4x4 (columns 1..4) is kept untouched.
        for (var y = 0; y < 4; y++)
            for (var x = 0; x < 4; x++)
            {
                var (r, g, b) = TestImages.Gradient(x + 1, y);
                Assert.Equal(r, pixels[0 * 16 + y * 4 + x]);
                Assert.Equal(g, pixels[1 * 16 + y * 4 + x]);
                Assert.Equal(b, pixels[2 * 16 + y * 4 + x]);
            }
    }

    [Fact]
    public void Grayscale_mode_is_pil_luma_of_the_centre_crop()
    {
        TestImages.Write(_dir.File("a", "tall.png"), 3, 5, TestImages.Gradient);

        var dataset = new ImageFolderDataset(_dir.Path, size: 3, ImageColorMode.Grayscale);
        var pixels = Pixels(dataset, 0);

        Assert.Equal(new Core.Data.ImageShape(1, 3, 3), dataset.Shape);
        for (var y = 0; y < 3; y++)
            for (var x = 0; x < 3; x++)
                Assert.Equal(TestImages.Luma(TestImages.Gradient(x, y + 1)), pixels[y * 3 + x]);
    }

    [Fact]
    public void Gray_png_reads_back_unchanged_in_both_modes()
    {
        TestImages.WriteGray(_dir.File("g.png"), 5, 5, (x, y) => (byte)(x * 50 + y));

        var gray = Pixels(new ImageFolderDataset(_dir.Path, 5, ImageColorMode.Grayscale), 0);
        var rgb = Pixels(new ImageFolderDataset(_dir.Path, 5, ImageColorMode.Rgb), 0);

        var expected = Enumerable.Range(0, 25).Select(i => (byte)(i % 5 * 50 + i / 5)).ToArray();
        Assert.Equal(expected, gray);
        Assert.Equal([.. expected, .. expected, .. expected], rgb);
    }

    [Fact]
    public void Resizing_scales_the_shorter_side_then_crops_the_centre()
    {
        // 16x8: left quarter red, middle half green, right quarter blue. Shorter side 8 → 4 (scale 1/2),
        // then the centre 4 columns of the 8-wide result are the green middle half.
        TestImages.Write(_dir.File("stripes.png"), 16, 8, (x, _) => x < 4 ? ((byte)255, (byte)0, (byte)0)
                                                                    : x < 12 ? ((byte)0, (byte)255, (byte)0)
                                                                    : ((byte)0, (byte)0, (byte)255));
        TestImages.Write(_dir.File("solid.png"), 9, 7, (x, y) => TestImages.Solid(30, 140, 220, x, y));

        var dataset = new ImageFolderDataset(_dir.Path, size: 4);
        var solid = Pixels(dataset, 0);
        var stripes = Pixels(dataset, 1);

        Assert.All(solid[..16], v => Assert.InRange(v, 29, 31));
        Assert.All(solid[16..32], v => Assert.InRange(v, 139, 141));
        Assert.All(solid[32..], v => Assert.InRange(v, 219, 221));
        Assert.All(stripes[16..32], v => Assert.True(v >= 200, $"green {v}"));
        Assert.All(stripes[..16].Concat(stripes[32..]), v => Assert.True(v <= 55, $"red/blue {v}"));
    }

    [Fact]
    public void Shrinking_fine_detail_averages_it_instead_of_aliasing_into_a_false_pattern()
    {
        // 1-pixel black and white columns, shrunk 64 → 20 (by 3.2): every output pixel covers
        // several columns, so all should be mid-gray. A cubic filter without mipmaps (SkiaSharp 3's
        // stand-in for the obsolete SKFilterQuality.High) gives stripes of 34..221 here instead.
        TestImages.WriteGray(_dir.File("stripes.png"), 64, 64, (x, _) => (byte)(x % 2 == 0 ? 255 : 0));

        var dataset = new ImageFolderDataset(_dir.Path, size: 20, ImageColorMode.Grayscale);
        var pixels = Pixels(dataset, 0);

        Assert.All(pixels, v => Assert.InRange(v, 117, 138));
    }

    [Fact]
    public void Enlarging_is_smooth_and_keeps_a_flat_colour_flat()
    {
        // 4 → 16: a left-to-right ramp stays a ramp (no steps copied from nearest neighbours), and a
        // solid image comes out the very same colour.
        TestImages.WriteGray(_dir.File("a-ramp.png"), 4, 4, (x, _) => (byte)(40 + 50 * x));
        TestImages.Write(_dir.File("b-solid.png"), 4, 4, (x, y) => TestImages.Solid(30, 140, 220, x, y));

        var dataset = new ImageFolderDataset(_dir.Path, size: 16, ImageColorMode.Grayscale);
        var ramp = Pixels(dataset, 0);
        var solid = Pixels(dataset, 1);

        for (var y = 0; y < 16; y++)
        {
            var row = ramp.AsSpan(y * 16, 16).ToArray();
            Assert.True(row.Zip(row.Skip(1)).All(p => p.Second >= p.First), $"row {y} is not monotonic: {string.Join(',', row)}");
            Assert.True(row.Distinct().Count() >= 10, $"row {y} has steps: {string.Join(',', row)}");
        }
        Assert.All(solid, v => Assert.InRange(v, TestImages.Luma((30, 140, 220)) - 1, TestImages.Luma((30, 140, 220)) + 1));
    }

    [Fact]
    public void Jpeg_reads_back_approximately()
    {
        TestImages.Write(_dir.File("blocks.jpg"), 16, 16, (x, y) => x < 8 ? ((byte)200, (byte)60, (byte)30) : ((byte)20, (byte)90, (byte)180),
                         SKEncodedImageFormat.Jpeg);

        var dataset = new ImageFolderDataset(_dir.Path, size: 16);
        var pixels = Pixels(dataset, 0);

        // Away from the colour edge (columns 0..5 and 10..15), JPEG loss stays within a few levels.
        for (var y = 0; y < 16; y++)
            foreach (var x in new[] { 0, 2, 5, 10, 13, 15 })
            {
                var (r, g, b) = x < 8 ? (200, 60, 30) : (20, 90, 180);
                Assert.InRange(pixels[y * 16 + x], r - 12, r + 12);
                Assert.InRange(pixels[256 + y * 16 + x], g - 12, g + 12);
                Assert.InRange(pixels[512 + y * 16 + x], b - 12, b + 12);
            }
    }

    [Fact]
    public void Images_directly_in_the_root_are_unlabelled()
    {
        TestImages.Write(_dir.File("b.png"), 4, 4, TestImages.Gradient);
        TestImages.Write(_dir.File("a.JPG"), 4, 4, TestImages.Gradient, SKEncodedImageFormat.Jpeg);

        var dataset = new ImageFolderDataset(_dir.Path, size: 4, ImageColorMode.Grayscale);

        Assert.Equal(2, dataset.Count);
        Assert.Equal(0, dataset.ClassCount);
        Assert.Empty(dataset.ClassNames);
        Assert.Equal(-1, dataset.Label(0));
        Assert.Equal(_dir.File("a.JPG"), dataset.FilePath(0));
    }

    [Fact]
    public void Undecodable_file_fails_when_read_naming_the_file_and_the_fix()
    {
        TestImages.Write(_dir.File("good.png"), 4, 4, TestImages.Gradient);
        File.WriteAllBytes(_dir.File("junk.png"), "this is not a png"u8.ToArray());

        var dataset = new ImageFolderDataset(_dir.Path, size: 4);   // listing does not decode
        var error = Assert.Throws<InvalidDataException>(() => Pixels(dataset, 1));

        Assert.StartsWith($"{_dir.File("junk.png")} could not be decoded as an image", error.Message);
        Assert.Contains("Replace the file", error.Message);
        Assert.NotNull(Pixels(dataset, 0));
    }

    [Fact]
    public void Truncated_png_names_the_file()
    {
        TestImages.Write(_dir.File("whole.png"), 64, 64, (x, y) => ((byte)(x * 3), (byte)(y * 5), (byte)(x ^ y)));
        var bytes = File.ReadAllBytes(_dir.File("whole.png"));
        File.WriteAllBytes(_dir.File("whole.png"), bytes[..(bytes.Length / 2)]);

        var dataset = new ImageFolderDataset(_dir.Path, size: 64);
        var error = Assert.Throws<InvalidDataException>(() => Pixels(dataset, 0));

        Assert.StartsWith($"{_dir.File("whole.png")} could not be decoded as an image", error.Message);
    }

    [Fact]
    public void Empty_folder_is_a_clear_error()
    {
        File.WriteAllText(_dir.File("readme.txt"), "no images here");

        var error = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(_dir.Path, 8));

        Assert.StartsWith($"Image folder {_dir.Path} is empty", error.Message);
        Assert.Contains("--data", error.Message);
    }

    [Fact]
    public void Missing_folder_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => new ImageFolderDataset(_dir.File("absent"), 8));

        Assert.Contains(_dir.File("absent"), error.Message);
    }

    [Fact]
    public void Empty_class_folder_is_a_clear_error()
    {
        TestImages.Write(_dir.File("dog", "d.png"), 4, 4, TestImages.Gradient);
        Directory.CreateDirectory(_dir.File("emu"));

        var error = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(_dir.Path, 8));

        Assert.StartsWith($"Class folder {_dir.File("emu")}", error.Message);
    }

    [Fact]
    public void Loose_images_beside_class_folders_are_a_clear_error()
    {
        TestImages.Write(_dir.File("dog", "d.png"), 4, 4, TestImages.Gradient);
        TestImages.Write(_dir.File("stray.png"), 4, 4, TestImages.Gradient);

        var error = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(_dir.Path, 8));

        Assert.Contains(_dir.File("stray.png"), error.Message);
        Assert.Contains("Move the loose images", error.Message);
    }

    [Fact]
    public void Concurrent_reads_match_sequential_reads()
    {
        for (var i = 0; i < 6; i++)
            TestImages.Write(_dir.File($"c{i % 2}", $"{i}.png"), 10 + i, 12, (x, y) => ((byte)(x * 9 + i), (byte)(y * 7), (byte)(i * 30)));
        var dataset = new ImageFolderDataset(_dir.Path, size: 8);
        var sequential = Enumerable.Range(0, dataset.Count).Select(i => Pixels(dataset, i)).ToArray();

        var concurrent = new byte[60][];
        Parallel.For(0, concurrent.Length, k => concurrent[k] = Pixels(dataset, k % dataset.Count));

        for (var k = 0; k < concurrent.Length; k++)
            Assert.Equal(sequential[k % dataset.Count], concurrent[k]);
    }

    [Fact]
    public void Destination_too_small_is_rejected()
    {
        TestImages.Write(_dir.File("a.png"), 4, 4, TestImages.Gradient);
        var dataset = new ImageFolderDataset(_dir.Path, size: 4);

        Assert.Throws<ArgumentException>(() => dataset.CopyPixels(0, new byte[47]));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.CopyPixels(1, new byte[48]));
    }
}
