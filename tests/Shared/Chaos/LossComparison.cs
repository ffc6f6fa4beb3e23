namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// The chaos run's loss curve against the fault-free run's: equal, step for step, until the first
/// loss; after it, the mean of the last steps within a band.
/// </summary>
/// <remarks>
/// <para>
/// Final parameters are not compared, because they cannot be equal: once the slot count changes,
/// the data pool leases the shards to other slots and each slot draws other samples, so the chaos
/// run trains on other batches than the fault-free run from its first loss on (its own lineage is
/// checked sample by sample instead, see <see cref="LedgerChecks"/>). Before the first loss both
/// runs are the same run on the same number of silos, which the cluster trains deterministically
/// (exact resume is tested bit for bit): there the losses must agree.
/// </para>
/// <para>
/// The band, measured on this run's definition (tiny Fashion-MNIST, 12 images per step): fault-free
/// runs on 1, 2 and 3 slots, which draw different batches, end with last-8-step mean losses within
/// 0.02 % of each other (40 and 120 steps: 3.0911–3.0913 and 3.0880–3.0886). The per-step loss
/// scatters by about ±0.2 % around its mean, so two such means differ by about 0.04 % (one
/// standard deviation). <see cref="Band"/> = 0.3 % is about seven of those, and below the 0.7 %
/// the loss falls from step 0 to step 40: a run that stopped learning or mixed in stale updates
/// falls outside it.
/// </para>
/// </remarks>
/// <param name="Window">Steps averaged at the end of each curve.</param>
/// <param name="ChaosMean">Mean loss of the chaos run's final lineage over the window.</param>
/// <param name="FaultFreeMean">Mean loss of the fault-free run over the same steps.</param>
/// <param name="PrefixSteps">Steps before the first loss, where the curves must agree.</param>
/// <param name="PrefixDifference">The largest relative difference of the losses of those steps.</param>
internal sealed record LossComparison(int Window, double ChaosMean, double FaultFreeMean, int PrefixSteps, double PrefixDifference)
{
    /// <summary>See the remarks: how far apart the last-window means may be, relative.</summary>
    public const double Band = 0.003;

    /// <summary>Before the first loss the runs agree to float rounding of the slots' shares
    /// (1e-6 relative, the cluster tests' bound against the single process); measured: 0.</summary>
    public const double PrefixTolerance = 1e-6;

    /// <summary>|chaos − fault-free| / fault-free, over the window.</summary>
    public double RelativeDifference => Math.Abs(ChaosMean - FaultFreeMean) / Math.Abs(FaultFreeMean);

    public bool WithinBand => RelativeDifference <= Band && PrefixDifference <= PrefixTolerance;

    /// <param name="prefix">Steps before the first loss (the step the run first went on from after one).</param>
    public static LossComparison Of(IReadOnlyList<double> chaos, IReadOnlyList<double> faultFree, int window, int prefix = 0)
    {
        var steps = Math.Min(chaos.Count, faultFree.Count);
        if (steps < window) throw new ArgumentException($"{steps} steps in common, fewer than the window of {window}");
        prefix = Math.Min(prefix, steps);
        var prefixDifference = Enumerable.Range(0, prefix)
            .Select(s => Math.Abs(chaos[s] - faultFree[s]) / Math.Max(Math.Abs(faultFree[s]), double.Epsilon)).DefaultIfEmpty(0).Max();
        return new LossComparison(window, chaos.Skip(steps - window).Take(window).Average(), faultFree.Skip(steps - window).Take(window).Average(),
            prefix, prefixDifference);
    }

    public override string ToString() =>
        $"mean loss of the last {Window} steps: {ChaosMean:F5} with faults, {FaultFreeMean:F5} without ({RelativeDifference:P3} apart, band {Band:P1}); " +
        $"first {PrefixSteps} steps (before the first loss): largest relative difference {PrefixDifference:g3} (tolerance {PrefixTolerance:g1})";
}
