namespace BamOrleans.Reports.Model;

/// <summary>One online k-NN measurement: top-1 accuracy as a fraction in [0, 1] at a step.</summary>
public sealed record KnnPoint(long Step, double Top1);
