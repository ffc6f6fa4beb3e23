using BamOrleans.Grains.Training;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>A run trained through a preemption trace, as the driver saw it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Trace">What was done to it.</param>
/// <param name="TargetSteps">Its planned steps.</param>
/// <param name="PlannedSilos">The silos it was launched on.</param>
/// <param name="Events">Each event fired, with its measured cost.</param>
/// <param name="Ledger">Every step record read from its slots.</param>
/// <param name="Lost">The slots of silos the driver stopped.</param>
/// <param name="Seconds">From launch until the run's last step completed.</param>
/// <param name="Problems">What the driver found wrong on its way (a silo that did not drain, replicas that differ).</param>
/// <param name="FinalReports">The slots' reports at the end.</param>
/// <param name="FailedPolls">Status polls that failed (outages seen from the client).</param>
internal sealed record ChaosRunResult(
    string RunId,
    PreemptionTrace Trace,
    long TargetSteps,
    int PlannedSilos,
    IReadOnlyList<EventOutcome> Events,
    StepLedger Ledger,
    IReadOnlyList<LostSlot> Lost,
    double Seconds,
    IReadOnlyList<string> Problems,
    IReadOnlyList<SlotReport> FinalReports,
    long FailedPolls)
{
    /// <summary>Steps whose every witness died before the ledger read them (see
    /// <see cref="ChaosDriver"/>): completed, checkpointed, and gone from view.</summary>
    public IReadOnlyList<long> Unwitnessed { get; init; } = [];

    /// <summary>Useful images per second: the target's images (each step once) over the whole time.</summary>
    public double ImagesPerSecond => TargetSteps * ChaosRunDefinition.GlobalBatch / Seconds;

    /// <summary>Steps computed that the final model did not go through (lost to rollbacks and abandoned generations).</summary>
    public long StepsRecomputed => Ledger.FinalLineage().Sum(s => (long)s.SupersededGenerations);

    /// <summary>The ledger's rules (see <see cref="LedgerChecks"/>) on this run.</summary>
    public IReadOnlyList<string> LedgerProblems() =>
        LedgerChecks.Problems(Ledger, TargetSteps, ChaosRunDefinition.DatasetSize, ChaosRunDefinition.GlobalBatch, Lost, Unwitnessed);

    /// <summary>Steps the run went through before its first loss (which the fault-free run shares).</summary>
    public int StepsBeforeFirstLoss =>
        (int)(Events.FirstOrDefault(e => e.Event.Kills) is { } first ? Math.Min(first.ContinuedFrom ?? first.CompletedBefore, first.CompletedBefore) : TargetSteps);

    /// <summary>The final lineage's global loss, by step.</summary>
    public IReadOnlyList<double> Losses => Ledger.FinalLineage().Select(s => s.Loss).ToList();
}

/// <summary>The same definition trained with nothing happening.</summary>
/// <param name="Seconds">From launch until its last step completed.</param>
/// <param name="Losses">Global loss by step.</param>
/// <param name="Problems">Replicas that differ or did not finish.</param>
internal sealed record FaultFreeResult(string RunId, long TargetSteps, int Slots, double Seconds, IReadOnlyList<double> Losses,
    IReadOnlyList<string> Problems)
{
    public double ImagesPerSecond => TargetSteps * ChaosRunDefinition.GlobalBatch / Seconds;
}
