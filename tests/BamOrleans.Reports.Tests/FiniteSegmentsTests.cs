using BamOrleans.Reports.Charts;

namespace BamOrleans.Reports.Tests;

public class FiniteSegmentsTests
{
    [Fact]
    public void Non_finite_values_split_the_line_and_are_left_out()
    {
        ChartPoint[] points =
        [
            new(0, double.NaN), new(1, 4), new(2, 3.5), new(3, double.NaN), new(4, double.NaN),
            new(5, 3), new(6, double.PositiveInfinity), new(7, 2.5), new(8, 2),
        ];

        var segments = FiniteSegments.Of(points);

        Assert.Equal(
            new[] { new[] { 1.0, 2 }, [5.0], [7.0, 8] },
            segments.Select(s => s.Select(p => p.X).ToArray()));
        Assert.All(segments.SelectMany(s => s), p => Assert.True(double.IsFinite(p.Y)));
    }

    [Fact]
    public void No_finite_point_gives_no_segment()
    {
        Assert.Empty(FiniteSegments.Of([new(0, double.NaN), new(1, double.NegativeInfinity)]));
        Assert.Empty(FiniteSegments.Of([]));
    }
}
