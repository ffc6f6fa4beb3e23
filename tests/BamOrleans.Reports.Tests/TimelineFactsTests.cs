using BamOrleans.Reports.Model;
using BamOrleans.Reports.Timeline;

namespace BamOrleans.Reports.Tests;

public class TimelineFactsTests
{
    private static IReadOnlyList<TimelineEvent> Events(params TimelineEventKind[] kinds) =>
        kinds.Select((kind, i) => new TimelineEvent(SampleRuns.Start.AddMinutes(i), 10L * i, i, kind, "")).ToList();

    [Fact]
    public void Silos_lost_and_interruptions_count_as_failures_survived_and_the_resumes_after_them_do_not()
    {
        var events = Events(
            TimelineEventKind.Launched, TimelineEventKind.SiloLost, TimelineEventKind.SiloJoined,
            TimelineEventKind.Interrupted, TimelineEventKind.ResumedFromCheckpoint, // every silo died; the run came back
            TimelineEventKind.SiloLost, TimelineEventKind.Completed);

        Assert.Equal(3, TimelineFacts.FailuresSurvived(events));
    }

    [Theory]
    [InlineData(TimelineEventKind.Paused)]
    [InlineData(TimelineEventKind.Cancelled)]
    public void A_resume_after_a_stop_someone_asked_for_is_not_a_failure(TimelineEventKind stop)
    {
        var events = Events(TimelineEventKind.Launched, stop, TimelineEventKind.ResumedFromCheckpoint, TimelineEventKind.Completed);

        Assert.Equal(0, TimelineFacts.FailuresSurvived(events));
    }

    [Fact]
    public void A_drained_silo_leaving_is_highlighted_but_not_counted_as_a_failure()
    {
        var events = Events(TimelineEventKind.Launched, TimelineEventKind.SiloLeft, TimelineEventKind.SiloJoined);

        Assert.Equal(0, TimelineFacts.FailuresSurvived(events));
        Assert.Equal(TimelineHighlight.Failure, TimelineFacts.Highlight(TimelineEventKind.SiloLeft));
    }


    [Fact]
    public void Events_at_the_same_instant_keep_the_order_they_were_given_in()
    {
        var at = SampleRuns.Start;
        IReadOnlyList<TimelineEvent> events =
        [
            new(at.AddMinutes(1), 5, 1, TimelineEventKind.SiloLost, "b"),
            new(at, 0, 0, TimelineEventKind.Launched, "a"),
            new(at.AddMinutes(1), 5, 2, TimelineEventKind.SiloJoined, "c"),
        ];

        Assert.Equal(["a", "b", "c"], TimelineFacts.Chronological(events).Select(e => e.Detail));
    }

    [Fact]
    public void Times_with_other_offsets_are_ordered_as_instants()
    {
        var utc = new TimelineEvent(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), 0, 0, TimelineEventKind.Launched, "10:00Z");
        // 10:30 at +01:00 is 09:30 UTC, so it comes first despite the larger clock reading.
        var plusOne = new TimelineEvent(new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(1)), 0, 0, TimelineEventKind.Paused, "09:30Z");

        Assert.Equal(["09:30Z", "10:00Z"], TimelineFacts.Chronological([utc, plusOne]).Select(e => e.Detail));
    }
}
