namespace BamOrleans.Core.Evaluation;

/// <summary>Outcome of a linear probe. Accuracies are fractions in [0, 1].</summary>
/// <param name="TrainAccuracy">Accuracy of the final probe on the features it was trained on.</param>
/// <param name="TestAccuracy">Accuracy on the held-out test features: the number to report.</param>
/// <param name="FinalTrainLoss">Mean cross-entropy over the mini-batches of the last epoch.</param>
/// <param name="Epochs">Epochs trained.</param>
public sealed record LinearProbeResult(double TrainAccuracy, double TestAccuracy, double FinalTrainLoss, int Epochs);
