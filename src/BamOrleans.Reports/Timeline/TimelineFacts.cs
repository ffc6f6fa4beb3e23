using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Timeline;

/// <summary>How a timeline row is highlighted in the report.</summary>
internal enum TimelineHighlight
{
    None,
    /// <summary>A node went away or the run broke.</summary>
    Failure,
    /// <summary>The run got its capacity or its state back.</summary>
    Recovery,
}

/// <summary>What the report reads off a run's timeline.</summary>
internal static class TimelineFacts
{
    /// <summary>The events by time; events at the same instant keep the order they were given in
    /// (OrderBy is stable), which is the order their recorder saw them.</summary>
    public static IReadOnlyList<TimelineEvent> Chronological(IEnumerable<TimelineEvent> events) =>
        events.OrderBy(e => e.Time.UtcTicks).ToList();

    public static TimelineHighlight Highlight(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.SiloLost or TimelineEventKind.SiloLeft or TimelineEventKind.Interrupted or TimelineEventKind.Failed => TimelineHighlight.Failure,
        TimelineEventKind.ResumedFromCheckpoint or TimelineEventKind.SiloJoined => TimelineHighlight.Recovery,
        _ => TimelineHighlight.None,
    };

    /// <summary>
    /// Failures the run came through: every silo lost while others went on, and every interruption
    /// (the whole cluster, or the leader, lost; the recorder logs it when the run comes back). A
    /// resume from a checkpoint is the recovery, not another failure; a drained SiloLeft is a
    /// planned departure. The same rule as the run's own count of failures survived.
    /// </summary>
    public static int FailuresSurvived(IEnumerable<TimelineEvent> events) =>
        events.Count(e => e.Kind is TimelineEventKind.SiloLost or TimelineEventKind.Interrupted);
}
