namespace BamOrleans.Grains.Runs;

/// <summary>
/// The part of a run that must outlive its silos, persisted by the run grain at every change:
/// what to train, how it is laid out, where its lifecycle stands, and the last generation used
/// (so generations keep counting after a restart and a message from before it stays stale).
/// Steps, slots and data positions are not here: they come back from the latest checkpoint.
/// </summary>
[GenerateSerializer, Alias("bam.RunRecord")]
public sealed class RunRecord
{
    [Id(0)] public RunSettings? Settings { get; set; }

    [Id(1)] public RunLaunchPlan? Plan { get; set; }

    [Id(2)] public RunStatus Status { get; set; } = RunStatus.Created;

    [Id(3)] public string? FailureReason { get; set; }

    [Id(4)] public long Generation { get; set; }

    /// <summary>The timeline, oldest first, capped (see <see cref="RunEvents"/>).</summary>
    [Id(5)] public List<RunEvent> Events { get; set; } = [];

    /// <summary>Losses survived over the run's life (the timeline may have dropped old ones).</summary>
    [Id(6)] public int FailuresSurvived { get; set; }

    /// <summary>The silo the run lived on announced leaving: the next activation takes the run over
    /// (a handover), which is not a loss.</summary>
    [Id(7)] public bool HandingOver { get; set; }
}
