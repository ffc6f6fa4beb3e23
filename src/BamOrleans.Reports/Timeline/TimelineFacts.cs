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
        TimelineEventKind.SiloLost or TimelineEventKind.SiloLeft or TimelineEventKind.Failed => TimelineHighlight.Failure,
        TimelineEventKind.ResumedFromCheckpoint or TimelineEventKind.SiloJoined => TimelineHighlight.Recovery,
        _ => TimelineHighlight.None,
    };

    /// <summary>
    /// Failures the run came through: every silo lost while others went on, plus every resume from
    /// a checkpoint that followed a loss of the whole cluster. A resume is not counted when the
    /// run's last lifecycle event before it was a Paused or Cancelled, because then someone stopped
    /// the run on purpose. When every silo dies at once nobody is left to record a SiloLost, so the
    /// resume is the only trace of that failure. A drained SiloLeft is a planned departure, not a
    /// failure, and is not counted.
    /// </summary>
    public static int FailuresSurvived(IEnumerable<TimelineEvent> events)
    {
        var survived = 0;
        TimelineEventKind? lastLifecycle = null;
        foreach (var e in Chronological(events))
        {
            switch (e.Kind)
            {
                case TimelineEventKind.SiloLost:
                    survived++;
                    break;
                case TimelineEventKind.ResumedFromCheckpoint:
                    if (lastLifecycle is not (TimelineEventKind.Paused or TimelineEventKind.Cancelled))
                        survived++;
                    lastLifecycle = e.Kind;
                    break;
                case TimelineEventKind.Launched or TimelineEventKind.Paused or TimelineEventKind.Continued
                    or TimelineEventKind.Completed or TimelineEventKind.Failed or TimelineEventKind.Cancelled:
                    lastLifecycle = e.Kind;
                    break;
            }
        }
        return survived;
    }
}
