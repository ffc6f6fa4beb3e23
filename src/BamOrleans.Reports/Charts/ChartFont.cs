namespace BamOrleans.Reports.Charts;

/// <summary>
/// The font family of every figure's text. The solution's Skia native build (NoDependencies) has
/// no fontconfig: it scans /usr/share/fonts itself, and what a family name resolves to then
/// depends on which files that scan meets first (on this Debian an unnamed request gets DejaVu
/// Math TeX Gyre). Registering named files with ScottPlot gives the same look wherever those
/// files exist (Debian's fonts-dejavu-core provides the first pair); without any of them
/// ScottPlot's own default family is used. The HTML around each figure says what it shows anyway.
/// </summary>
internal static class ChartFont
{
    private const string Family = "BamOrleans Report Sans";

    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ];

    // ScottPlot's font registry is process-wide: register once, from whichever thread draws first.
    private static readonly Lazy<string?> Registered = new(Register);

    /// <summary>The family to draw with, or null for ScottPlot's default.</summary>
    public static string? Name => Registered.Value;

    private static string? Register()
    {
        foreach (var (regular, bold) in Candidates)
        {
            if (!File.Exists(regular)) continue;
            ScottPlot.Fonts.AddFontFile(Family, regular, bold: false, italic: false);
            // The title is bold; where no bold file exists the regular one stands in (a plain title).
            ScottPlot.Fonts.AddFontFile(Family, File.Exists(bold) ? bold : regular, bold: true, italic: false);
            return Family;
        }
        return null;
    }
}
