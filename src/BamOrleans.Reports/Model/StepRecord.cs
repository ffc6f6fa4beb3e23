namespace BamOrleans.Reports.Model;

/// <summary>One logged training step.</summary>
/// <param name="Loss">The step's loss; NaN (or infinite) for a step that was skipped for a non-finite loss.</param>
/// <param name="ImagesPerSecond">Throughput at that step, when it was measured.</param>
public sealed record StepRecord(long Step, int Epoch, double Loss, double LearningRate, double? ImagesPerSecond = null);
