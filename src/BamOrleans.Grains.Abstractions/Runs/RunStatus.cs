namespace BamOrleans.Grains.Runs;

/// <summary>Lifecycle of a run. Completed and Failed are final.</summary>
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
}
