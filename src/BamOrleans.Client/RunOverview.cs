using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;

namespace BamOrleans.Client;

/// <summary>
/// A run as an operator sees it (`bam run status`): where it stands, how fast it goes, where its
/// slots are, its last checkpoint and what it survived. Figures over recent steps come from slot
/// 0's history (every replica applies the same steps).
/// </summary>
/// <param name="Status">The run grain's snapshot.</param>
/// <param name="Epoch">The data epoch of the last step seen (null before any).</param>
/// <param name="LastLoss">The global loss of the last step seen (NaN before any).</param>
/// <param name="LearningRate">The learning rate of the last step seen (NaN before any).</param>
/// <param name="ImagesPerSecond">Images per second over the recent steps (NaN before any).</param>
/// <param name="LastCheckpointStep">The newest committed checkpoint any slot's silo reports (null: none seen).</param>
/// <param name="Slots">The run's slots now, each with its silo and state.</param>
public sealed record RunOverview(
    RunStatusSnapshot Status,
    int? Epoch,
    double LastLoss,
    double LearningRate,
    double ImagesPerSecond,
    long? LastCheckpointStep,
    IReadOnlyList<SlotReport> Slots)
{
    /// <summary>How many recent steps the throughput is averaged over.</summary>
    public const int DefaultRecentSteps = 20;

    public static RunOverview From(RunStatusSnapshot status, IReadOnlyList<SlotReport> reports, IReadOnlyList<SlotStepRecord> recent)
    {
        ArgumentNullException.ThrowIfNull(status);
        var last = recent.Count > 0 ? recent[^1] : null;
        var seconds = recent.Sum(r => r.Phases.Total);
        var images = recent.Sum(r => (long)r.StepSamples.Length);
        return new RunOverview(
            status,
            last?.Epoch,
            last?.Loss ?? reports.FirstOrDefault()?.LastLoss ?? double.NaN,
            last?.LearningRate ?? double.NaN,
            seconds > 0 ? images / seconds : double.NaN,
            reports.Select(r => r.LastCheckpointStep).Max(),
            reports.OrderBy(r => r.SlotId, StringComparer.Ordinal).ToList());
    }
}
