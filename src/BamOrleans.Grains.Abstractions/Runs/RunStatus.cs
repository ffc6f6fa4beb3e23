namespace BamOrleans.Grains.Runs;

/// <summary>Lifecycle of a run. Completed, Failed and Cancelled are final.</summary>
[GenerateSerializer, Alias("bam.RunStatus")]
public enum RunStatus
{
    /// <summary>Configured; slots may register; no steps yet.</summary>
    Created = 0,

    /// <summary>Steps are open; slots submit results.</summary>
    Running = 1,

    /// <summary>Steps refused until resumed; registrations and partial reports are kept.</summary>
    Paused = 2,

    /// <summary>Finished normally.</summary>
    Completed = 3,

    /// <summary>Stopped by an error; the reason is in the status snapshot.</summary>
    Failed = 4,

    /// <summary>Stopped by a user before its planned steps; its checkpoints stay in the store.</summary>
    Cancelled = 5,
}

/// <summary>Questions every side asks of a status.</summary>
public static class RunStatuses
{
    /// <summary>Completed, Failed and Cancelled: the run never trains again.</summary>
    public static bool IsFinal(this RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
}
