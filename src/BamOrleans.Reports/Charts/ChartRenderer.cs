using ScottPlot;
using ScottPlot.TickGenerators;

namespace BamOrleans.Reports.Charts;

/// <summary>Draws a <see cref="LineChart"/> with ScottPlot on a CPU raster surface and encodes it
/// as PNG: no window, no GPU, so it runs headless on any node.</summary>
internal static class ChartRenderer
{
    public const string NothingToPlot = "no finite value was recorded";

    private const float TitleSize = 16, LabelSize = 14, TickSize = 12, LegendSize = 12;

    // Fractions of the data span left empty beside the data: a little on x so the first and last
    // steps do not sit on the frame, more on y so the legend has room above a falling curve.
    private const double MarginX = 0.02, MarginY = 0.08;

    public static byte[] RenderPng(LineChart chart, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);

        using var plot = new Plot();
        Style(plot, chart);
        // Markers first, so the curves are drawn over them (ScottPlot draws, and lists in the
        // legend, in the order added); each label gets one legend entry however many lines it has.
        var labelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var marker in chart.Markers)
            AddMarker(plot, marker, firstOfLabel: labelled.Add(marker.Label));
        foreach (var series in chart.Series)
            AddSeries(plot, series);
        if (!chart.Series.Any(s => FiniteSegments.Of(s.Points).Count > 0))
            // Otherwise an empty frame with ScottPlot's default range would look like a drawing bug.
            AddNote(plot, NothingToPlot);
        ScaleAxes(plot, chart);
        // A lone line is named by the y axis already; a legend is only needed to tell lines apart.
        if (plot.Legend.GetItems().Length >= 2)
            plot.ShowLegend(Alignment.UpperRight);
        else
            plot.HideLegend();

        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void Style(Plot plot, LineChart chart)
    {
        if (ChartFont.Name is { } family)
            plot.Font.Set(family);
        plot.FigureBackground.Color = Palette.Background;
        plot.DataBackground.Color = Palette.Background;
        plot.Axes.Color(Palette.Text);
        plot.Axes.FrameColor(Palette.Frame);
        plot.Grid.MajorLineColor = Palette.Grid;

        plot.Title(chart.Title, TitleSize);
        plot.XLabel(chart.XLabel, LabelSize);
        plot.YLabel(chart.YLabel, LabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        plot.Legend.FontSize = LegendSize;

        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = chart.IntegerX,
            LabelFormatter = TickLabels.Format,
        };
        plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = TickLabels.Format };
    }

    /// <summary>One ScottPlot line per run of finite points (see <see cref="FiniteSegments"/>); only
    /// the first carries the legend text, so the legend names the series once.</summary>
    private static void AddSeries(Plot plot, ChartSeries series)
    {
        var first = true;
        foreach (var segment in FiniteSegments.Of(series.Points))
        {
            var xs = segment.Select(p => p.X).ToArray();
            var ys = segment.Select(p => p.Y).ToArray();
            var line = plot.Add.Scatter(xs, ys, series.Color);
            line.LineWidth = series.Width;
            // A point alone between skipped steps has no line to draw; a dot keeps it visible.
            line.MarkerSize = series.ShowPoints ? 7 : segment.Count == 1 ? series.Width * 2 : 0;
            if (first) line.LegendText = series.Name;
            first = false;
        }
    }

    private static void AddNote(Plot plot, string text)
    {
        var note = plot.Add.Annotation(text, Alignment.MiddleCenter);
        note.LabelFontSize = LabelSize;
        note.LabelFontColor = Palette.Text;
        note.LabelBackgroundColor = Palette.Background;
        note.LabelBorderColor = Palette.Frame;
        note.LabelShadowColor = Colors.Transparent;
    }

    private static void AddMarker(Plot plot, ChartMarker marker, bool firstOfLabel)
    {
        var line = plot.Add.VerticalLine(marker.X, 1.5f, marker.Color, LinePattern.Dashed);
        if (firstOfLabel) line.LegendText = marker.Label;
    }

    /// <summary>
    /// x spans every point's step and every marker, finite y or not, so a run whose losses were all
    /// skipped still shows its steps; y spans the finite values. With nothing finite on y, ScottPlot's
    /// default range stands, under the note that nothing was recorded.
    /// </summary>
    private static void ScaleAxes(Plot plot, LineChart chart)
    {
        plot.Axes.Margins(MarginX, MarginY);
        plot.Axes.AutoScale();
        var xs = chart.Series.SelectMany(s => s.Points.Select(p => p.X)).Concat(chart.Markers.Select(m => m.X))
            .Where(double.IsFinite).ToList();
        if (xs.Count == 0) return;
        double min = xs.Min(), max = xs.Max();
        var pad = max > min ? (max - min) * MarginX : 1;
        plot.Axes.SetLimitsX(min - pad, max + pad);
    }
}
