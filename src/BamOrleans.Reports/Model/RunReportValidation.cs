namespace BamOrleans.Reports.Model;

/// <summary>Rejects a report whose data cannot be what it says, before any file is written, so a
/// mistake upstream (a percentage passed as a fraction, say) fails loudly instead of drawing a
/// figure that looks plausible and is wrong.</summary>
internal static class RunReportValidation
{
    public static void ThrowIfInvalid(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.RunId, nameof(report.RunId));
        ArgumentNullException.ThrowIfNull(report.KeyFacts, nameof(report.KeyFacts));
        ArgumentNullException.ThrowIfNull(report.Steps, nameof(report.Steps));
        ArgumentNullException.ThrowIfNull(report.KnnPoints, nameof(report.KnnPoints));
        ArgumentNullException.ThrowIfNull(report.Evaluation, nameof(report.Evaluation));
        ArgumentNullException.ThrowIfNull(report.Timeline, nameof(report.Timeline));

        foreach (var point in report.KnnPoints)
            ThrowIfNotFraction(point.Top1, $"the k-NN point at step {point.Step}");
        foreach (var row in report.Evaluation)
        {
            ThrowIfNotFraction(row.KnnTop1, $"the k-NN top-1 of '{row.Representation}'");
            if (row.LinearProbeTop1 is { } probe)
                ThrowIfNotFraction(probe, $"the linear-probe top-1 of '{row.Representation}'");
        }
    }

    private static void ThrowIfNotFraction(double value, string what)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentException($"{what} is {value}; accuracies are fractions in [0, 1] (0.85, not 85).");
    }
}
