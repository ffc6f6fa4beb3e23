using SkiaSharp;

namespace BamOrleans.Data.ImageFolder;

/// <summary>
/// Decodes one JPEG/PNG file into CHW bytes of a fixed square size: shorter side scaled to the
/// size, then the centre square kept (the usual evaluation transform, so every image has one shape).
/// Each call owns its Skia objects, so calls may run on many threads at once.
/// </summary>
internal static class ImageFileDecoder
{
    /// <summary>
    /// The resampling SKFilterQuality.High gave on SkiaSharp 2.88, which SkiaSharp 3 made obsolete.
    /// Measured on 2.88.9, High was two filters: enlarging used the bicubic Mitchell–Netravali
    /// filter (B = C = 1/3), but shrinking was silently downgraded to Medium, i.e. bilinear from the
    /// nearest mipmap level; 3.x maps the obsolete High onto Mitchell for both. Mitchell alone has no
    /// mipmaps, so a photo shrunk to a few dozen pixels aliases: 1-pixel stripes shrunk 64 → 20 come
    /// out as a false pattern of 34..221 instead of a flat gray. Choosing per direction decodes images
    /// as they were decoded before the upgrade (measured: at most 2 levels apart per channel).
    /// </summary>
    private static readonly SKSamplingOptions Enlarging = new(SKCubicResampler.Mitchell);

    /// <inheritdoc cref="Enlarging"/>
    private static readonly SKSamplingOptions Shrinking = new(SKFilterMode.Linear, SKMipmapMode.Nearest);

    public static void Decode(string path, int size, ImageColorMode mode, Span<byte> destination)
    {
        using var decoded = DecodeRgba(path);
        var side = Math.Min(decoded.Width, decoded.Height);
        var left = (decoded.Width - side) / 2;
        var top = (decoded.Height - side) / 2;

        if (side == size)
        {
            // Already the right size: copy the centre square untouched, so PNGs round-trip exactly.
            CopyPlanes(decoded, left, top, size, mode, destination);
            return;
        }

        using var square = new SKBitmap();
        if (!decoded.ExtractSubset(square, SKRectI.Create(left, top, side, side)))
            throw Undecodable(path, "its centre square could not be cut out");
        using var resized = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (!square.ScalePixels(resized, size > side ? Enlarging : Shrinking))
            throw Undecodable(path, $"it could not be resized from {side}x{side} to {size}x{size}");
        CopyPlanes(resized, 0, 0, size, mode, destination);
    }

    /// <summary>Decodes to 8-bit RGBA. Alpha is premultiplied, i.e. transparency is composited over black.
    /// EXIF orientation is not applied, matching PIL/torchvision's default loader.</summary>
    private static SKBitmap DecodeRgba(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} has disappeared since the image folder was listed. Restore it or restart.", path);

        using var codec = SKCodec.Create(path, out var openResult);
        if (codec is null)
            throw Undecodable(path, $"it is not a readable JPEG or PNG ({openResult})");

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (info.Width <= 0 || info.Height <= 0)
            throw Undecodable(path, $"it claims to be {info.Width}x{info.Height} pixels");
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw Undecodable(path, $"decoding stopped with {result} (the file is probably truncated or damaged)");
        }
        return bitmap;
    }

    private static void CopyPlanes(SKBitmap bitmap, int left, int top, int size, ImageColorMode mode, Span<byte> destination)
    {
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            var row = pixels.Slice((top + y) * rowBytes + left * 4, size * 4);
            for (var x = 0; x < size; x++)
            {
                byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                var at = y * size + x;
                if (mode == ImageColorMode.Rgb)
                {
                    destination[at] = r;
                    destination[plane + at] = g;
                    destination[2 * plane + at] = b;
                }
                else
                {
                    // PIL's fixed-point ITU-R 601-2 luma; a gray pixel (r = g = b) maps to itself.
                    destination[at] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                }
            }
        }
    }

    private static InvalidDataException Undecodable(string path, string why) =>
        new($"{path} could not be decoded as an image: {why}. Replace the file with a good copy or delete it from the folder.");
}
