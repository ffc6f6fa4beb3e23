using System.Globalization;
using BamOrleans.Reports.Charts;

namespace BamOrleans.Reports.Tests;

public class TickLabelsTests
{
    [Theory]
    [InlineData(0.0002, "0.0002")]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(2120, "2120")]
    [InlineData(1e-17, "0")]
    [InlineData(-1e-17, "0")]
    [InlineData(-2.5, "-2.5")]
    public void Labels_are_short_and_never_show_round_off_or_minus_zero(double value, string expected) =>
        Assert.Equal(expected, TickLabels.Format(value));

    [Fact]
    public void Labels_do_not_follow_the_machine_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("0.0005", TickLabels.Format(0.0005));
            Assert.Equal("12500", TickLabels.Format(12500));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
