namespace BamOrleans.Reports.Model;

/// <summary>The kinds of thing a run's timeline records.</summary>
public enum TimelineEventKind
{
    /// <summary>The run started from scratch.</summary>
    Launched,
    /// <summary>The run came back from its latest checkpoint, e.g. after every silo was lost.</summary>
    ResumedFromCheckpoint,
    /// <summary>A silo died without warning; the survivors went on.</summary>
    SiloLost,
    /// <summary>A new silo joined the training.</summary>
    SiloJoined,
    /// <summary>A silo drained and left in order, e.g. on an eviction notice.</summary>
    SiloLeft,

    /// <summary>Every silo of the run, or the one it lived on (the leader), was lost: it waited to
    /// be resumed from its latest checkpoint.</summary>
    Interrupted,
    /// <summary>Training stopped on purpose (time cap, operator), state kept.</summary>
    Paused,
    /// <summary>A paused run went on.</summary>
    Continued,
    Completed,
    Failed,
    Cancelled,
}
