using System.Globalization;

namespace BamOrleans.Reports.Html;

/// <summary>How numbers and times read in the page. Invariant culture throughout, so the bytes of
/// the report do not depend on the machine's locale.</summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant);

    public static string Integer(long value) => value.ToString("N0", Invariant);

    /// <summary>A fraction in [0, 1] as a percentage with one decimal, e.g. 0.8514 → "85.1 %".</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("F1", Invariant) + " %";

    public static string Decimal(double value, int decimals) => value.ToString("F" + decimals.ToString(Invariant), Invariant);
}
