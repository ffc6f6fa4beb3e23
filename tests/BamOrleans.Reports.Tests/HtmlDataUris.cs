using System.Text.RegularExpressions;

namespace BamOrleans.Reports.Tests;

/// <summary>Finds the PNG data URIs a report embeds, and what is left of the page without them.</summary>
internal static partial class HtmlDataUris
{
    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();

    public static IReadOnlyList<byte[]> Pngs(string html) =>
        PngDataUri().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();

    public static string WithoutDataUris(string html) => PngDataUri().Replace(html, "data:removed");
}
