using SkiaSharp;

namespace BamOrleans.Reports.Charts;

/// <summary>
/// The typeface of every figure's text. The solution's Skia native build (NoDependencies) has no
/// fontconfig: it scans /usr/share/fonts itself, and its default typeface is whichever file it
/// meets first (on this Debian, DejaVu Math TeX Gyre). Naming a file gives the same look wherever
/// that file exists (Debian's fonts-dejavu-core provides the first); without any of them Skia's
/// default typeface is used. The HTML around each figure says what it shows in any case.
/// </summary>
internal static class ChartFont
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
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
