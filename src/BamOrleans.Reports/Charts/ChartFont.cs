using SkiaSharp;

namespace BamOrleans.Reports.Charts;

/// <summary>
/// The typeface of every figure's text. The solution's Skia native build (NoDependencies) has no
/// fontconfig, so looking a family up by name finds nothing on Linux; a font file loaded by path
/// works. Without any of these files the figures still render, their text blank, and the HTML
/// around them still names what each axis shows (Debian's fonts-dejavu-core provides the first).
/// </summary>
internal static class ChartFont
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
    ];

    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    public static SKTypeface Typeface => Loaded.Value;

    private static SKTypeface Load()
    {
        foreach (var path in Candidates)
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
                return typeface;
        }
        return SKTypeface.Default;
    }
}
