namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>How the bench and the test group recoveries: the figures differ by kind of loss.</summary>
internal enum LossCategory
{
    /// <summary>kill -9 of a silo that does not lead.</summary>
    Kill9,

    /// <summary>kill -9 of the leader.</summary>
    Kill9Leader,

    /// <summary>SIGTERM, an eviction notice (of whichever silo was drawn).</summary>
    Sigterm,

    /// <summary>kill -9 of every silo, then a restart.</summary>
    KillAll,

    /// <summary>A silo frozen (SIGSTOP) until declared dead, then let go (SIGCONT).</summary>
    Zombie,

    /// <summary>Not a loss: silos started.</summary>
    Replacement,
}

/// <summary>What one event of the trace did and what it cost, as measured by the driver.</summary>
/// <param name="Index">Its place in the trace.</param>
/// <param name="Event">The event.</param>
/// <param name="Category">How it counts (a SIGTERM of the leader is still a SIGTERM).</param>
/// <param name="Silos">The processes it stopped or started.</param>
/// <param name="AtSeconds">When it fired, on the run's clock (from launch).</param>
/// <param name="GenerationBefore">The run's generation when it fired.</param>
internal sealed record EventOutcome(
    int Index,
    PreemptionEvent Event,
    LossCategory Category,
    IReadOnlyList<string> Silos,
    double AtSeconds,
    long GenerationBefore)
{
    /// <summary>Steps completed in <see cref="GenerationBefore"/> or earlier: the run's count when
    /// the event fired, raised by the ledger's when it shows more (a step may complete in the instant
    /// of the kill, and a draining silo still completes steps).</summary>
    public long CompletedBefore { get; set; }

    /// <summary>Seconds from the kill (or SIGTERM) to the next step completed by the survivors (or,
    /// after the loss of all, by the restarted silos); for a replacement, from its start until its
    /// slots train in the run.</summary>
    public double? RecoverySeconds { get; set; }

    /// <summary>The step the run went on from after the loss (its next step: checkpoint step after a rollback).</summary>
    public long? ContinuedFrom { get; set; }

    /// <summary>Steps completed before the loss that were computed again after it.</summary>
    public long StepsLost => ContinuedFrom is { } from ? Math.Max(0, CompletedBefore - from) : 0;

    /// <summary>SIGTERM: seconds from the signal until the process left by itself; zombie: from
    /// SIGCONT until it stopped itself. Null if it did not (it was then killed).</summary>
    public double? ExitSeconds { get; set; }

    /// <summary>The exit code of a process that left by itself.</summary>
    public int? ExitCode { get; set; }

    /// <summary>The highest step the ledger had read when the event fired (−1: none).</summary>
    public long ReadThrough { get; set; } = -1;

    /// <summary>Step messages the run refused (stale generation or step) from the event until its
    /// effect was seen: stale messages kept out.</summary>
    public long? Refused { get; set; }

    /// <summary>The loss of all: seconds from the restart of the silos to the next completed step.</summary>
    public double? SinceRestartSeconds { get; set; }

    /// <summary>The run's generation once the effect was seen.</summary>
    public long? GenerationAfter { get; set; }

    public override string ToString() =>
        $"#{Index} {Category} [{string.Join(", ", Silos)}] at {AtSeconds:F1} s" +
        (Category == LossCategory.Replacement ? ": " : $" (generation {GenerationBefore}, {CompletedBefore} steps done): ") +
        (RecoverySeconds is { } r ? $"{(Category == LossCategory.Replacement ? "joined" : "next step")} after {r:F2} s" : "effect not seen (yet)") +
        (ContinuedFrom is { } c ? $", went on from step {c}, {StepsLost} step(s) lost" : "") +
        (ExitSeconds is { } d ? $", {(Category == LossCategory.Zombie ? "woke and stopped itself" : "drained and exited")} ({ExitCode}) after {d:F2} s"
            : Category is LossCategory.Sigterm or LossCategory.Zombie && RecoverySeconds is not null ? ", did not exit by itself" : "") +
        (Refused is > 0 ? $", {Refused} stale message(s) refused" : "") +
        (SinceRestartSeconds is { } s ? $", {s:F2} s after the restart" : "") +
        (GenerationAfter is { } g ? $", generation {g}" : "");
}
