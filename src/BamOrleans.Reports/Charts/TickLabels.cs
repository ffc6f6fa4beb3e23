using System.Globalization;

namespace BamOrleans.Reports.Charts;

/// <summary>
/// The axes' tick labels. ScottPlot's own formatter follows the machine's culture, so a report
/// written on a German desktop would read "0,0002" and differ byte for byte from one written on a
/// server; invariant culture keeps figures the same everywhere. Ten decimals at most show learning
/// rates down to 1e-10 while hiding the round-off in tick positions (0.30000000000000004).
/// </summary>
internal static class TickLabels
{
    public static string Format(double value) =>
        // A tick at a tiny multiple of the spacing is zero, never "-0".
        Math.Abs(value) < 1e-12 ? "0" : value.ToString("0.##########", CultureInfo.InvariantCulture);
}
