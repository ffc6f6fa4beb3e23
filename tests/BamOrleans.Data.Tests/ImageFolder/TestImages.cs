using SkiaSharp;

namespace BamOrleans.Data.Tests.ImageFolder;

/// <summary>Writes small PNG/JPEG files with SkiaSharp, pixel by pixel, so expected values are known.</summary>
internal static class TestImages
{
    public delegate (byte R, byte G, byte B) Painter(int x, int y);

    public static void Write(string path, int width, int height, Painter paint, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = paint(x, y);
                bitmap.SetPixel(x, y, new SKColor(r, g, b));
            }
        using var data = bitmap.Encode(format, quality: 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A single-channel (8-bit gray) PNG.</summary>
    public static void WriteGray(string path, int width, int height, Func<int, int, byte> paint)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = paint(x, y);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, quality: 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    public static (byte R, byte G, byte B) Gradient(int x, int y) =>
        ((byte)(x * 40 + 5), (byte)(y * 60 + 10), (byte)(200 - x * 10 - y));

    public static (byte R, byte G, byte B) Solid(byte r, byte g, byte b, int x, int y) => (r, g, b);

    /// <summary>PIL's "L" conversion, which the grayscale mode promises to match.</summary>
    public static byte Luma((byte R, byte G, byte B) c) => (byte)((c.R * 19595 + c.G * 38470 + c.B * 7471 + 0x8000) >> 16);
}
