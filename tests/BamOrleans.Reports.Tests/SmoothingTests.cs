using BamOrleans.Reports.Figures;

namespace BamOrleans.Reports.Tests;

public class SmoothingTests
{
    [Fact]
    public void The_centred_mean_skips_non_finite_values_instead_of_spreading_them()
    {
        double[] values = [1, double.NaN, 3, 5, double.PositiveInfinity, 7];

        var smoothed = Smoothing.CentredMean(values, 3);

        Assert.Equal([1, 2, 4, 4, 6, 7], smoothed);
    }

    [Fact]
    public void A_window_with_no_finite_value_gives_a_gap()
    {
        var smoothed = Smoothing.CentredMean([double.NaN, double.NaN, double.NaN, 2], 3);

        Assert.True(double.IsNaN(smoothed[0]));
        Assert.True(double.IsNaN(smoothed[1]));
        Assert.Equal(2, smoothed[2]);
    }

    [Fact]
    public void A_straight_line_stays_straight_up_to_both_ends()
    {
        var line = Enumerable.Range(0, 12).Select(i => 5.5 - 0.25 * i).ToArray();

        var smoothed = Smoothing.CentredMean(line, 7);

        for (var i = 0; i < line.Length; i++)
            Assert.Equal(line[i], smoothed[i], 1e-12);
    }

    [Fact]
    public void A_window_of_one_returns_the_values_themselves()
    {
        double[] values = [5.5, 4.1, 3.9];
        Assert.Equal(values, Smoothing.CentredMean(values, 1));
    }
}
