namespace BamOrleans.Core.Training;

/// <summary>What one training step did, for logs, metrics files and plots.</summary>
/// <param name="Images">Source images in the global batch.</param>
/// <param name="ViewImages">Augmented views the encoder processed (images × views).</param>
/// <param name="Skipped">True when the loss was not finite and the update was not applied.</param>
public sealed record StepRecord(
    long Step,
    int Epoch,
    double Loss,
    double LearningRate,
    double WeightDecay,
    double Epsilon,
    double Seconds,
    int Images,
    int ViewImages,
    bool Skipped)
{
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;

    public double ViewImagesPerSecond => Seconds > 0 ? ViewImages / Seconds : 0;
}
