using System.Globalization;

namespace BamOrleans.Reports.Charts;

/// <summary>Round tick positions (1, 2 or 5 times a power of ten apart) and their labels.</summary>
internal static class AxisTicks
{
    /// <summary>About <paramref name="target"/> ticks inside <paramref name="range"/>, evenly spaced.
    /// With <paramref name="integersOnly"/> (steps) the spacing is never below 1.</summary>
    public static IReadOnlyList<double> Positions(AxisRange range, int target, bool integersOnly)
    {
        var step = Step(range, target, integersOnly);
        var ticks = new List<double>();
        for (var i = Math.Ceiling(range.Min / step); i * step <= range.Max + step * 1e-9; i++)
        {
            // Computed from the index rather than accumulated, so no round-off creeps in; a tick
            // at a tiny multiple of the step is zero, never "-0" or 1e-17.
            var tick = i * step;
            ticks.Add(Math.Abs(tick) < step * 1e-9 ? 0 : tick);
        }
        return ticks;
    }

    public static double Step(AxisRange range, int target, bool integersOnly)
    {
        var raw = range.Span / Math.Max(1, target);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalised = raw / magnitude;
        var nice = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
        var step = nice * magnitude;
        return integersOnly ? Math.Max(1, Math.Round(step)) : step;
    }

    /// <summary>Labels with just enough decimals to tell neighbouring ticks apart; very small or
    /// very large values (learning rates, say) in exponent form. Invariant culture, so the figure
    /// does not depend on the machine's locale.</summary>
    public static string Label(double value, double step)
    {
        var largest = Math.Max(Math.Abs(value), step);
        if (step < 1e-3 || largest >= 1e7)
            return value == 0 ? "0" : value.ToString("0.##E+0", CultureInfo.InvariantCulture);
        var decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
