using SkiaSharp;

namespace BamOrleans.Reports.Charts;

/// <summary>Draws a <see cref="LineChart"/> on a CPU raster surface and encodes it as PNG: no
/// window, no GPU, so it runs headless on any node.</summary>
internal static class ChartRenderer
{
    private const float TitleSize = 16, LabelSize = 13, TickSize = 11;
    private const float Left = 78, Right = 18, Top = 36, Bottom = 52;

    public static byte[] RenderPng(LineChart chart, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, (int)(Left + Right) + 50);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, (int)(Top + Bottom) + 50);

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(Palette.Background);

        var plot = new SKRect(Left, Top, width - Right, height - Bottom);
        var xRange = AxisRange.Around(
            chart.Series.SelectMany(s => s.Points.Select(p => p.X)).Concat(chart.Markers.Select(m => m.X)), 0.02);
        var yRange = AxisRange.Around(chart.Series.SelectMany(s => s.Points.Select(p => p.Y)), 0.06);

        DrawGridAndTicks(canvas, plot, xRange, yRange, chart.IntegerX);

        canvas.Save();
        canvas.ClipRect(plot);
        foreach (var marker in chart.Markers)
            DrawMarker(canvas, plot, xRange, marker);
        foreach (var series in chart.Series)
            DrawSeries(canvas, plot, xRange, yRange, series);
        canvas.Restore();

        DrawFrame(canvas, plot);
        DrawTitles(canvas, plot, chart, width);
        DrawLegend(canvas, plot, chart);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static SKPaint TextPaint(float size, SKTextAlign align = SKTextAlign.Left) => new()
    {
        Typeface = ChartFont.Typeface, TextSize = size, IsAntialias = true, Color = Palette.Text, TextAlign = align,
    };

    private static SKPaint StrokePaint(SKColor color, float width) => new()
    {
        Color = color, StrokeWidth = width, IsAntialias = true, Style = SKPaintStyle.Stroke,
        StrokeJoin = SKStrokeJoin.Round, StrokeCap = SKStrokeCap.Round,
    };

    private static void DrawGridAndTicks(SKCanvas canvas, SKRect plot, AxisRange x, AxisRange y, bool integerX)
    {
        using var grid = StrokePaint(Palette.Grid, 1);
        grid.IsAntialias = false;
        using var xText = TextPaint(TickSize, SKTextAlign.Center);
        using var yText = TextPaint(TickSize, SKTextAlign.Right);

        var xStep = AxisTicks.Step(x, 6, integerX);
        foreach (var tick in AxisTicks.Positions(x, 6, integerX))
        {
            var px = x.ToPixel(tick, plot.Left, plot.Right);
            canvas.DrawLine(px, plot.Top, px, plot.Bottom, grid);
            canvas.DrawText(AxisTicks.Label(tick, xStep), px, plot.Bottom + TickSize + 6, xText);
        }
        var yStep = AxisTicks.Step(y, 5, false);
        foreach (var tick in AxisTicks.Positions(y, 5, false))
        {
            var py = y.ToPixel(tick, plot.Bottom, plot.Top);
            canvas.DrawLine(plot.Left, py, plot.Right, py, grid);
            canvas.DrawText(AxisTicks.Label(tick, yStep), plot.Left - 6, py + TickSize / 3, yText);
        }
    }

    private static void DrawMarker(SKCanvas canvas, SKRect plot, AxisRange x, ChartMarker marker)
    {
        using var paint = StrokePaint(marker.Color, 1.5f);
        using var dash = SKPathEffect.CreateDash([6f, 4f], 0);
        paint.PathEffect = dash;
        var px = x.ToPixel(marker.X, plot.Left, plot.Right);
        canvas.DrawLine(px, plot.Top, px, plot.Bottom, paint);
    }

    private static void DrawSeries(SKCanvas canvas, SKRect plot, AxisRange x, AxisRange y, ChartSeries series)
    {
        using var line = StrokePaint(series.Color, series.Width);
        using var path = new SKPath();
        var penDown = false;
        foreach (var point in series.Points)
        {
            if (!double.IsFinite(point.X) || !double.IsFinite(point.Y))
            {
                penDown = false;
                continue;
            }
            var px = x.ToPixel(point.X, plot.Left, plot.Right);
            var py = y.ToPixel(point.Y, plot.Bottom, plot.Top);
            if (penDown) path.LineTo(px, py);
            else path.MoveTo(px, py);
            penDown = true;
        }
        canvas.DrawPath(path, line);

        if (!series.ShowPoints) return;
        using var dot = new SKPaint { Color = series.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
        foreach (var point in series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)))
            canvas.DrawCircle(x.ToPixel(point.X, plot.Left, plot.Right), y.ToPixel(point.Y, plot.Bottom, plot.Top), 3.5f, dot);
    }

    private static void DrawFrame(SKCanvas canvas, SKRect plot)
    {
        using var frame = StrokePaint(Palette.Frame, 1);
        frame.IsAntialias = false;
        canvas.DrawRect(plot, frame);
    }

    private static void DrawTitles(SKCanvas canvas, SKRect plot, LineChart chart, int width)
    {
        using var title = TextPaint(TitleSize, SKTextAlign.Center);
        title.FakeBoldText = true;
        canvas.DrawText(chart.Title, width / 2f, Top - 12, title);

        using var label = TextPaint(LabelSize, SKTextAlign.Center);
        canvas.DrawText(chart.XLabel, plot.MidX, plot.Bottom + TickSize + LabelSize + 18, label);
        canvas.Save();
        canvas.RotateDegrees(-90, 0, 0);
        // After the rotation x runs upwards, so the label's centre is at -MidY.
        canvas.DrawText(chart.YLabel, -plot.MidY, LabelSize + 4, label);
        canvas.Restore();
    }

    /// <summary>One entry per series and per distinct marker label, in the plot's top-right corner.</summary>
    private static void DrawLegend(SKCanvas canvas, SKRect plot, LineChart chart)
    {
        var entries = chart.Series.Select(s => (s.Name, s.Color, Dashed: false))
            .Concat(chart.Markers.DistinctBy(m => m.Label).Select(m => (Name: m.Label, m.Color, Dashed: true)))
            .ToList();
        if (entries.Count < 2) return; // a lone line is named by the axis already

        using var text = TextPaint(TickSize);
        const float swatch = 22, gap = 6, row = TickSize + 6, pad = 6;
        var textWidth = entries.Max(e => text.MeasureText(e.Name));
        var box = SKRect.Create(plot.Right - pad - swatch - gap - textWidth - 2 * pad, plot.Top + pad,
            swatch + gap + textWidth + 2 * pad, entries.Count * row + pad);

        using var background = new SKPaint { Color = Palette.Background.WithAlpha(0xE6), Style = SKPaintStyle.Fill };
        using var border = StrokePaint(Palette.Grid, 1);
        canvas.DrawRect(box, background);
        canvas.DrawRect(box, border);

        for (var i = 0; i < entries.Count; i++)
        {
            var (name, color, dashed) = entries[i];
            var baseline = box.Top + pad + (i + 1) * row - 4;
            using var line = StrokePaint(color, 2);
            using var dash = dashed ? SKPathEffect.CreateDash([5f, 3f], 0) : null;
            line.PathEffect = dash;
            var midY = baseline - TickSize / 3;
            canvas.DrawLine(box.Left + pad, midY, box.Left + pad + swatch, midY, line);
            canvas.DrawText(name, box.Left + pad + swatch + gap, baseline, text);
        }
    }
}
