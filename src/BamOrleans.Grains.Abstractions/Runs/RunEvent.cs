namespace BamOrleans.Grains.Runs;

/// <summary>What happened to a run, as its timeline records it.</summary>
[GenerateSerializer, Alias("bam.RunEventKind")]
public enum RunEventKind
{
    /// <summary>Laid out for the first time, from step 0.</summary>
    Launched = 0,

    /// <summary>Laid out again from a checkpoint (a relaunch, a user's resume, or a recovery after its silos were lost).</summary>
    ResumedFromCheckpoint = 1,

    /// <summary>A silo holding slots of the run was lost without notice; the others went on.</summary>
    SiloLost = 2,

    /// <summary>A new silo's slots joined at a checkpointed boundary.</summary>
    SiloJoined = 3,

    /// <summary>A silo announced leaving (SIGTERM) and handed its slots back at a boundary.</summary>
    SiloLeft = 4,

    /// <summary>Every slot of the run was lost (or the silo it lived on, the leader): it waits to be resumed from its latest checkpoint.</summary>
    Interrupted = 5,

    /// <summary>Paused by a user or a time budget.</summary>
    Paused = 6,

    /// <summary>Went on after a pause, with its slots still in place.</summary>
    Continued = 7,

    Completed = 8,

    Failed = 9,

    Cancelled = 10,
}

/// <summary>One entry of a run's timeline, persisted with the run.</summary>
/// <param name="At">When (UTC, the leader silo's clock).</param>
/// <param name="Step">The run's open step then.</param>
/// <param name="Generation">The membership generation after the event.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Detail">For people: which silo, why, from which checkpoint.</param>
[GenerateSerializer, Immutable, Alias("bam.RunEvent")]
public sealed record RunEvent(
    [property: Id(0)] DateTime At,
    [property: Id(1)] long Step,
    [property: Id(2)] long Generation,
    [property: Id(3)] RunEventKind Kind,
    [property: Id(4)] string Detail)
{
    /// <summary>Whether the event is a loss the run survived (counted as "failures survived").</summary>
    public bool IsFailure => Kind is RunEventKind.SiloLost or RunEventKind.Interrupted;
}
