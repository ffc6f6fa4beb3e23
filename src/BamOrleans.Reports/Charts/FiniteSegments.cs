namespace BamOrleans.Reports.Charts;

/// <summary>
/// Splits a line's points into runs of consecutive finite points. ScottPlot draws one scatter as
/// one unbroken path and takes NaN into its axis limits, so a skipped step (NaN loss) would either
/// break the autoscale or be bridged by a straight line; drawing each run as its own line leaves
/// a visible gap where the steps were skipped instead.
/// </summary>
internal static class FiniteSegments
{
    public static IReadOnlyList<IReadOnlyList<ChartPoint>> Of(IEnumerable<ChartPoint> points)
    {
        var segments = new List<IReadOnlyList<ChartPoint>>();
        List<ChartPoint>? current = null;
        foreach (var point in points)
        {
            if (!double.IsFinite(point.X) || !double.IsFinite(point.Y))
            {
                current = null;
                continue;
            }
            if (current is null)
            {
                current = [];
                segments.Add(current);
            }
            current.Add(point);
        }
        return segments;
    }
}
