namespace BamOrleans.Reports.Figures;

/// <summary>A light centred moving average, so the trend of a noisy per-step loss is readable.</summary>
internal static class Smoothing
{
    /// <summary>A window of about 4 % of the points: wide enough to calm step-to-step noise, narrow
    /// enough that a jump after a failure stays visible. 1 means "do not smooth".</summary>
    public static int WindowFor(int count) => Math.Clamp(count / 25, 1, 200);

    /// <summary>
    /// The mean of the finite values within <paramref name="window"/> points centred on each one.
    /// Near either end the window shrinks on both sides alike: a one-sided window there would pull
    /// the first points of a falling loss far below where the loss really started. Non-finite
    /// values (skipped steps) are left out of every mean rather than poisoning it; a point whose
    /// whole window is non-finite gets NaN, which the chart draws as a gap.
    /// </summary>
    public static double[] CentredMean(IReadOnlyList<double> values, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var half = Math.Min(window / 2, Math.Min(i, values.Count - 1 - i));
            double sum = 0;
            var count = 0;
            for (var j = i - half; j <= i + half; j++)
            {
                if (!double.IsFinite(values[j])) continue;
                sum += values[j];
                count++;
            }
            result[i] = count == 0 ? double.NaN : sum / count;
        }
        return result;
    }
}
