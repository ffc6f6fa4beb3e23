namespace BamOrleans.Reports.Model;

/// <summary>One row of the final evaluation: a representation (the trained encoder or a baseline)
/// measured by k-NN and, when it was run, a linear probe. Accuracies are fractions in [0, 1].</summary>
public sealed record EvaluationRow(string Representation, int FeatureDim, double KnnTop1, double? LinearProbeTop1);
