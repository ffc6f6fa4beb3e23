namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// The chaos run's loss curve against the fault-free run's, summarised over the last steps.
/// </summary>
/// <remarks>
/// Parameters are not compared: they cannot be equal. When the slot count changes, the data pool
/// leases the shards to other slots and each slot draws other samples, so the chaos run trains on
/// other batches than the fault-free run from the first loss on (its own lineage is checked sample
/// by sample instead). Both runs still train the same model on the same data with the same global
/// batch, so where the loss ends up must be close; the band is stated by the caller.
/// </remarks>
/// <param name="Window">Steps averaged at the end of each curve.</param>
/// <param name="ChaosMean">Mean loss of the chaos run's final lineage over the window.</param>
/// <param name="FaultFreeMean">Mean loss of the fault-free run over the same steps.</param>
internal sealed record LossComparison(int Window, double ChaosMean, double FaultFreeMean)
{
    /// <summary>|chaos − fault-free| / fault-free.</summary>
    public double RelativeDifference => Math.Abs(ChaosMean - FaultFreeMean) / Math.Abs(FaultFreeMean);

    public static LossComparison Of(IReadOnlyList<double> chaos, IReadOnlyList<double> faultFree, int window)
    {
        var steps = Math.Min(chaos.Count, faultFree.Count);
        if (steps < window) throw new ArgumentException($"{steps} steps in common, fewer than the window of {window}");
        return new LossComparison(window, chaos.Skip(steps - window).Take(window).Average(), faultFree.Skip(steps - window).Take(window).Average());
    }

    public override string ToString() =>
        $"mean loss of the last {Window} steps: {ChaosMean:F4} with faults, {FaultFreeMean:F4} without ({RelativeDifference:P1} apart)";
}
