namespace BamOrleans.Core.Training;

/// <summary>The headline figures of a run's steps.</summary>
public sealed record TrainingSummary(
    int Steps,
    int SkippedSteps,
    double FirstLoss,
    double LastLoss,
    double ImagesPerSecond,
    double ViewImagesPerSecond,
    double TrainingSeconds)
{
    // Loss is noisy step to step: compare the means of the first and the last few steps.
    private const int Window = 20;

    // The first steps pay for allocator and thread-pool warm-up; leave them out of throughput.
    private const int WarmupSteps = 5;

    public static TrainingSummary From(IReadOnlyList<StepRecord> records, double trainingSeconds)
    {
        var finite = records.Where(r => !r.Skipped).ToList();
        var timed = records.Count > 2 * WarmupSteps ? records.Skip(WarmupSteps).ToList() : records.ToList();
        var seconds = timed.Sum(r => r.Seconds);
        return new TrainingSummary(
            records.Count,
            records.Count - finite.Count,
            finite.Count > 0 ? finite.Take(Window).Average(r => r.Loss) : double.NaN,
            finite.Count > 0 ? finite.TakeLast(Window).Average(r => r.Loss) : double.NaN,
            seconds > 0 ? timed.Sum(r => r.Images) / seconds : 0,
            seconds > 0 ? timed.Sum(r => r.ViewImages) / seconds : 0,
            trainingSeconds);
    }
}
