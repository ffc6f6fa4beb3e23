using BamOrleans.Grains.Runs;
using BamOrleans.Reports.Model;

namespace BamOrleans.Cli.Reporting;

/// <summary>A run's timeline as the cluster records it, in the report's own terms (the report
/// project knows nothing of grains).</summary>
internal static class TimelineMapping
{
    public static IReadOnlyList<TimelineEvent> ToReport(IEnumerable<RunEvent> events) =>
        events.Select(e => new TimelineEvent(new DateTimeOffset(DateTime.SpecifyKind(e.At, DateTimeKind.Utc)), e.Step,
            (int)Math.Min(int.MaxValue, e.Generation), Kind(e.Kind), e.Detail)).ToList();

    private static TimelineEventKind Kind(RunEventKind kind) => kind switch
    {
        RunEventKind.Launched => TimelineEventKind.Launched,
        RunEventKind.ResumedFromCheckpoint => TimelineEventKind.ResumedFromCheckpoint,
        RunEventKind.SiloLost => TimelineEventKind.SiloLost,
        RunEventKind.SiloJoined => TimelineEventKind.SiloJoined,
        RunEventKind.SiloLeft => TimelineEventKind.SiloLeft,
        RunEventKind.Interrupted => TimelineEventKind.Interrupted,
        RunEventKind.Paused => TimelineEventKind.Paused,
        RunEventKind.Continued => TimelineEventKind.Continued,
        RunEventKind.Completed => TimelineEventKind.Completed,
        RunEventKind.Failed => TimelineEventKind.Failed,
        RunEventKind.Cancelled => TimelineEventKind.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a run event kind the report does not know: add it to TimelineEventKind"),
    };
}
