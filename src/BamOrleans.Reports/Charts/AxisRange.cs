namespace BamOrleans.Reports.Charts;

/// <summary>The data interval an axis spans, and its mapping onto pixels.</summary>
internal readonly record struct AxisRange(double Min, double Max)
{
    /// <summary>
    /// The smallest range holding every finite value, widened by <paramref name="padFraction"/> of
    /// its span on each side. No finite value gives [0, 1]; a single value is widened by 10 % of
    /// itself (or 1 at zero) so that a flat line still sits inside a drawable range.
    /// </summary>
    public static AxisRange Around(IEnumerable<double> values, double padFraction)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min > max) return new AxisRange(0, 1);
        if (min == max)
        {
            var half = min == 0 ? 1 : Math.Abs(min) * 0.1;
            return new AxisRange(min - half, max + half);
        }
        var pad = (max - min) * padFraction;
        return new AxisRange(min - pad, max + pad);
    }

    public double Span => Max - Min;

    /// <summary>Where <paramref name="value"/> falls between <paramref name="fromPixel"/> (at Min)
    /// and <paramref name="toPixel"/> (at Max); the y axis passes them bottom first.</summary>
    public float ToPixel(double value, float fromPixel, float toPixel) =>
        (float)(fromPixel + (value - Min) / Span * (toPixel - fromPixel));
}
