using BamOrleans.Reports.Charts;

namespace BamOrleans.Reports.Tests;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0, 2120, true)]
    [InlineData(3.81, 5.62, false)]
    [InlineData(0, 0.00103, false)]
    [InlineData(-7, 13, false)]
    [InlineData(0, 3, true)]
    public void Ticks_are_evenly_spaced_round_numbers_inside_the_range(double min, double max, bool integers)
    {
        var range = new AxisRange(min, max);

        var ticks = AxisTicks.Positions(range, 6, integers);
        var step = AxisTicks.Step(range, 6, integers);

        Assert.InRange(ticks.Count, 2, 12);
        Assert.All(ticks, t => Assert.InRange(t, min - step * 1e-9, max + step * 1e-9));
        for (var i = 1; i < ticks.Count; i++)
            Assert.Equal(step, ticks[i] - ticks[i - 1], step * 1e-9);
        var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        Assert.Contains(Math.Round(mantissa, 9), new[] { 1.0, 2.0, 5.0 });
        if (integers) Assert.All(ticks, t => Assert.Equal(Math.Round(t), t));
    }

    [Fact]
    public void Labels_tell_neighbouring_ticks_apart()
    {
        foreach (var (min, max) in new[] { (3.81, 5.62), (0.0, 0.00103), (0.0, 2120.0), (0.45, 0.52) })
        {
            var range = new AxisRange(min, max);
            var step = AxisTicks.Step(range, 6, false);
            var labels = AxisTicks.Positions(range, 6, false).Select(t => AxisTicks.Label(t, step)).ToList();
            Assert.Equal(labels.Count, labels.Distinct().Count());
            Assert.DoesNotContain(labels, l => l.StartsWith("-0", StringComparison.Ordinal) && l.Trim('-', '0', '.') == "");
        }
    }

    [Fact]
    public void A_range_around_one_value_or_no_finite_value_is_still_drawable()
    {
        Assert.True(AxisRange.Around([4.2, 4.2, double.NaN], 0.05).Span > 0);
        Assert.Equal(new AxisRange(0, 1), AxisRange.Around([double.NaN, double.PositiveInfinity], 0.05));
        var range = AxisRange.Around([1, double.NaN, 3], 0);
        Assert.Equal(new AxisRange(1, 3), range);
    }
}
