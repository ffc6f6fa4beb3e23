using ScottPlot;

namespace BamOrleans.Reports.Charts;

/// <summary>What one figure shows: lines against a numeric x axis, plus labelled vertical markers.
/// Plain data, so that what a figure shows can be built and checked apart from how it is drawn.</summary>
internal sealed record LineChart(
    string Title,
    string XLabel,
    string YLabel,
    IReadOnlyList<ChartSeries> Series,
    IReadOnlyList<ChartMarker> Markers,
    bool IntegerX = true);

/// <summary>One line. A non-finite y breaks the line there, so a skipped step shows as a gap
/// instead of pulling the line to a made-up value.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, Color Color, float Width, bool ShowPoints = false);

internal readonly record struct ChartPoint(double X, double Y);

/// <summary>A dashed vertical line across the plot at <paramref name="X"/>; markers of one label share one legend entry.</summary>
internal sealed record ChartMarker(double X, string Label, Color Color);
