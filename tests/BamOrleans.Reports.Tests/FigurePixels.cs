using SkiaSharp;

namespace BamOrleans.Reports.Tests;

/// <summary>Looks at a written figure's pixels, to check what was drawn rather than that a file exists.</summary>
internal sealed class FigurePixels
{
    private readonly SKBitmap _bitmap;

    public FigurePixels(byte[] png) =>
        _bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("the PNG does not decode");

    public int Width => _bitmap.Width;
    public int Height => _bitmap.Height;

    /// <summary>For each column, how many of its pixels are within <paramref name="tolerance"/> of
    /// <paramref name="color"/> on every channel (antialiasing blends a line's edges into the background).</summary>
    public int[] MatchesPerColumn(ScottPlot.Color color, int tolerance = 24)
    {
        var counts = new int[_bitmap.Width];
        for (var x = 0; x < _bitmap.Width; x++)
        for (var y = 0; y < _bitmap.Height; y++)
        {
            var p = _bitmap.GetPixel(x, y);
            if (Math.Abs(p.Red - color.R) <= tolerance && Math.Abs(p.Green - color.G) <= tolerance
                && Math.Abs(p.Blue - color.B) <= tolerance)
                counts[x]++;
        }
        return counts;
    }

    /// <summary>The columns where <paramref name="color"/> covers at least <paramref name="fraction"/>
    /// of the height: a vertical line, as opposed to a legend swatch or a curve passing through.</summary>
    public IReadOnlyList<int> VerticalLines(ScottPlot.Color color, double fraction) =>
        MatchesPerColumn(color).Select((count, x) => (count, x)).Where(c => c.count >= fraction * Height).Select(c => c.x).ToList();
}
