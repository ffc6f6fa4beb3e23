namespace BamOrleans.Core.Evaluation;

/// <summary>Outcome of a weighted k-NN evaluation. Accuracies are fractions in [0, 1].</summary>
/// <param name="Top1Accuracy">Share of test samples whose highest-scoring class is their label.</param>
/// <param name="Top5Accuracy">Share whose label has a positive vote and fewer than 5 classes scoring
/// strictly above it (1 when there are at most 5 classes and the label got any vote).</param>
/// <param name="TestCount">Number of test samples.</param>
/// <param name="K">Neighbours that voted.</param>
/// <param name="Temperature">Temperature of the vote weights.</param>
public sealed record KnnResult(double Top1Accuracy, double Top5Accuracy, int TestCount, int K, double Temperature);
