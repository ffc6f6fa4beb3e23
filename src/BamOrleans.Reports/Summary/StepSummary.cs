using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Summary;

/// <summary>The few numbers the report states about the logged steps, beside the given key facts.</summary>
internal sealed record StepSummary(int Logged, long? LastStep, double? LastFiniteLoss, int NonFinite, double? MeanImagesPerSecond)
{
    public static StepSummary Of(IReadOnlyList<StepRecord> steps)
    {
        var ordered = steps.OrderBy(s => s.Step).ToList();
        var throughput = ordered.Where(s => s.ImagesPerSecond is { } v && double.IsFinite(v)).Select(s => s.ImagesPerSecond!.Value).ToList();
        return new StepSummary(
            ordered.Count,
            ordered.Count == 0 ? null : ordered[^1].Step,
            ordered.LastOrDefault(s => double.IsFinite(s.Loss))?.Loss,
            ordered.Count(s => !double.IsFinite(s.Loss)),
            throughput.Count == 0 ? null : throughput.Average());
    }
}
