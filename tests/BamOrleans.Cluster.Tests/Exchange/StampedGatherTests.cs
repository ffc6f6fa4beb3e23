using BamOrleans.Grains.Steps;
using BamOrleans.Grains.Training;

namespace BamOrleans.Cluster.Tests.Exchange;

/// <summary>
/// The all-to-one-to-all exchange of one step and its stamp rules, driven directly (one caller,
/// as inside a grain's turns). A pending call is a task that has not completed; the tests look at
/// completion only after the event that must (or must not) complete it, never at timing.
/// </summary>
public sealed class StampedGatherTests
{
    private const string RunId = "run-a";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(1);
    private static readonly StepStamp G2S3 = new(RunId, Generation: 2, Step: 3);

    /// <summary>A gather whose answer for slot w is "w:" + every value in the order the function saw
    /// them; records each call of the function.</summary>
    private sealed class Recorder
    {
        public List<(StepStamp Stamp, int[] Values)> Calls { get; } = [];

        public StampedGather<int, string> Gather { get; }

        public Recorder(Func<StepStamp, int[], string[]>? complete = null)
        {
            Gather = new StampedGather<int, string>(RunId, (stamp, values) =>
            {
                Calls.Add((stamp, values.ToArray()));
                return complete?.Invoke(stamp, values)
                       ?? values.Select((_, w) => $"{w}:{string.Join(",", values)}").ToArray();
            });
        }
    }

    private static void AssertCompleted(ExchangeResult<string> result, string expected)
    {
        Assert.Equal(ExchangeStatus.Completed, result.Status);
        Assert.Null(result.Refused);
        Assert.Equal(expected, result.Value);
    }

    private static void AssertRefused(ExchangeResult<string> result, RefusalReason reason)
    {
        Assert.Equal(ExchangeStatus.Refused, result.Status);
        Assert.Equal(reason, result.Refused);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task Completes_only_when_every_slot_contributed_and_answers_each_slot_its_own_value()
    {
        var r = new Recorder();
        var slot2 = r.Gather.Contribute(G2S3, 2, 3, 20, Long);
        var slot0 = r.Gather.Contribute(G2S3, 0, 3, 0, Long);
        Assert.False(slot2.IsCompleted);
        Assert.False(slot0.IsCompleted);
        Assert.Empty(r.Calls);
        Assert.Null(r.Gather.LastCompleted);

        var slot1 = await r.Gather.Contribute(G2S3, 1, 3, 10, Long);
        AssertCompleted(slot1, "1:0,10,20");
        AssertCompleted(await slot0, "0:0,10,20");
        AssertCompleted(await slot2, "2:0,10,20");
        Assert.Equal([(G2S3, new[] { 0, 10, 20 })], r.Calls.Select(c => (c.Stamp, c.Values)));
        Assert.Equal(G2S3, r.Gather.LastCompleted);
        Assert.Equal(1, r.Gather.CompletedSteps);
        Assert.Empty(r.Gather.Refusals);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 3, 2, 1, 0 })]
    [InlineData(new[] { 2, 0, 3, 1 })]
    public async Task The_function_sees_the_values_in_slot_order_whatever_the_arrival_order(int[] arrival)
    {
        var r = new Recorder();
        var calls = arrival.Select(w => (Slot: w, Task: r.Gather.Contribute(G2S3, w, 4, 100 + w, Long))).ToList();
        foreach (var (slot, task) in calls)
            AssertCompleted(await task, $"{slot}:100,101,102,103");
        Assert.Equal([100, 101, 102, 103], Assert.Single(r.Calls).Values);
    }

    /// <summary>A function that answers with the very array it was given (an all-gather of one
    /// value per slot) must get its answers delivered, not the array cleared behind its back.</summary>
    [Fact]
    public async Task A_function_may_answer_with_the_array_it_was_given()
    {
        var gather = new StampedGather<string, string>(RunId, (_, values) => values);
        var first = gather.Contribute(G2S3, 0, 2, "zero", Long);
        var second = await gather.Contribute(G2S3, 1, 2, "one", Long);
        Assert.Equal(ExchangeStatus.Completed, second.Status);
        Assert.Equal("one", second.Value);
        Assert.Equal("zero", (await first).Value);
        // A retry of the completed step reads the same stored answers.
        Assert.Equal("zero", (await gather.Contribute(G2S3, 0, 2, "ignored", Long)).Value);
    }

    public static TheoryData<StepStamp> NewerStamps() =>
    [
        G2S3 with { Generation = 3 },                // newer generation, same step
        G2S3 with { Step = 4 },                      // same generation, later step
        new StepStamp(RunId, Generation: 3, Step: 0), // newer generation, lower step
    ];

    [Theory]
    [MemberData(nameof(NewerStamps))]
    public async Task A_newer_stamp_supersedes_the_open_step_and_opens_its_own(StepStamp newer)
    {
        var r = new Recorder();
        var waiting0 = r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        Assert.False(waiting0.IsCompleted);

        var opener = r.Gather.Contribute(newer, 1, 2, 7, Long);
        var superseded = await waiting0;
        Assert.Equal(ExchangeStatus.Superseded, superseded.Status);
        Assert.Null(superseded.Value);
        Assert.Null(superseded.Refused);
        Assert.False(opener.IsCompleted);

        // The old step's value is not carried over: the new step needs slot 0 again.
        AssertCompleted(await r.Gather.Contribute(newer, 0, 2, 6, Long), "0:6,7");
        AssertCompleted(await opener, "1:6,7");
        Assert.Equal([(newer, new[] { 6, 7 })], r.Calls.Select(c => (c.Stamp, c.Values)));
        Assert.Equal(newer, r.Gather.LastCompleted);
        Assert.Equal(1, r.Gather.CompletedSteps);
        Assert.Empty(r.Gather.Refusals);

        // The abandoned step can no longer be contributed to.
        var late = await r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        AssertRefused(late, newer.Generation > G2S3.Generation ? RefusalReason.StaleGeneration : RefusalReason.StaleStep);
    }

    [Fact]
    public async Task Older_generation_and_earlier_step_are_refused_counted_and_never_mixed_in()
    {
        var r = new Recorder();
        var slot0 = r.Gather.Contribute(G2S3, 0, 2, 5, Long);

        AssertRefused(await r.Gather.Contribute(G2S3 with { Generation = 1 }, 1, 2, 666, Long), RefusalReason.StaleGeneration);
        AssertRefused(await r.Gather.Contribute(new StepStamp(RunId, 1, 9), 1, 2, 666, Long), RefusalReason.StaleGeneration); // later step, older generation
        AssertRefused(await r.Gather.Contribute(G2S3 with { Step = 2 }, 1, 2, 666, Long), RefusalReason.StaleStep);
        Assert.False(slot0.IsCompleted);
        Assert.Equal(2, r.Gather.Refusals[RefusalReason.StaleGeneration]);
        Assert.Equal(1, r.Gather.Refusals[RefusalReason.StaleStep]);

        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 6, Long), "1:5,6");
        AssertCompleted(await slot0, "0:5,6");
        Assert.Equal([5, 6], Assert.Single(r.Calls).Values);

        // After completion (no step open) the completed stamp is the reference.
        AssertRefused(await r.Gather.Contribute(G2S3 with { Step = 1 }, 0, 2, 666, Long), RefusalReason.StaleStep);
        AssertRefused(await r.Gather.Contribute(G2S3 with { Generation = 0, Step = 50 }, 0, 2, 666, Long), RefusalReason.StaleGeneration);
        Assert.Equal(3, r.Gather.Refusals[RefusalReason.StaleGeneration]);
        Assert.Equal(2, r.Gather.Refusals[RefusalReason.StaleStep]);
        Assert.Single(r.Calls);
        Assert.Equal(1, r.Gather.CompletedSteps);
        Assert.Equal(G2S3, r.Gather.LastCompleted);
    }

    [Fact]
    public async Task Another_run_is_refused_and_counted_even_with_a_newer_stamp()
    {
        var r = new Recorder();
        var slot0 = r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        AssertRefused(await r.Gather.Contribute(new StepStamp("run-b", 99, 99), 1, 2, 666, Long), RefusalReason.WrongRun);
        AssertRefused(await r.Gather.Contribute(new StepStamp("RUN-A", 2, 3), 1, 2, 666, Long), RefusalReason.WrongRun); // ordinal
        Assert.False(slot0.IsCompleted); // not superseded
        Assert.Equal(2, r.Gather.Refusals[RefusalReason.WrongRun]);
        Assert.Single(r.Gather.Refusals);
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 2, Long), "1:1,2");
        AssertCompleted(await slot0, "0:1,2");
    }

    [Fact]
    public async Task A_retry_of_the_completed_step_gets_the_same_answer_without_recomputing()
    {
        var r = new Recorder();
        var slot0 = r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 2, Long), "1:1,2");
        AssertCompleted(await slot0, "0:1,2");

        // A different value in the retry changes nothing: the step is done.
        AssertCompleted(await r.Gather.Contribute(G2S3, 0, 2, 999, Long), "0:1,2");
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 999, Long), "1:1,2");
        Assert.Single(r.Calls);
        Assert.Equal(1, r.Gather.CompletedSteps);
        Assert.Empty(r.Gather.Refusals);

        // Even while the next step is open, the previous one's retry is answered, not refused.
        var next = G2S3 with { Step = 4 };
        var nextSlot0 = r.Gather.Contribute(next, 0, 2, 3, Long);
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 999, Long), "1:1,2");
        Assert.False(nextSlot0.IsCompleted);
        AssertCompleted(await r.Gather.Contribute(next, 1, 2, 4, Long), "1:3,4");
        AssertCompleted(await nextSlot0, "0:3,4");
        Assert.Equal(2, r.Gather.CompletedSteps);

        // A retry of the completed step with another slot count is an error, not an answer.
        Assert.Throws<ArgumentException>(() => r.Gather.Contribute(next, 0, 3, 3, Long).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_duplicate_in_the_open_step_keeps_the_first_value_and_waits()
    {
        var r = new Recorder();
        var first = r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        var duplicate = r.Gather.Contribute(G2S3, 0, 2, 555, Long);
        Assert.False(first.IsCompleted);
        Assert.False(duplicate.IsCompleted);
        Assert.Empty(r.Calls);

        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 2, Long), "1:1,2");
        AssertCompleted(await first, "0:1,2");
        AssertCompleted(await duplicate, "0:1,2");
        Assert.Equal([1, 2], Assert.Single(r.Calls).Values);
        Assert.Empty(r.Gather.Refusals);
    }

    [Fact]
    public async Task Times_out_when_not_everyone_arrives_and_a_second_call_completes_without_adding_twice()
    {
        var r = new Recorder();
        var timedOut = await r.Gather.Contribute(G2S3, 0, 2, 1, Short);
        Assert.Equal(ExchangeStatus.TimedOut, timedOut.Status);
        Assert.Null(timedOut.Value);
        Assert.Null(timedOut.Refused);
        Assert.Empty(r.Calls);
        Assert.Null(r.Gather.LastCompleted);

        // The kept contribution counts: slot 1 alone would not complete a fresh two-slot step.
        var retry = r.Gather.Contribute(G2S3, 0, 2, 42, Long);
        Assert.False(retry.IsCompleted);
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 2, Long), "1:1,2");
        AssertCompleted(await retry, "0:1,2");
        Assert.Equal([1, 2], Assert.Single(r.Calls).Values);
        Assert.Equal(1, r.Gather.CompletedSteps);
    }

    [Fact]
    public async Task A_time_out_of_every_slot_still_completes_on_the_last_arrival()
    {
        var r = new Recorder();
        Assert.Equal(ExchangeStatus.TimedOut, (await r.Gather.Contribute(G2S3, 1, 3, 11, Short)).Status);
        Assert.Equal(ExchangeStatus.TimedOut, (await r.Gather.Contribute(G2S3, 0, 3, 10, Short)).Status);
        AssertCompleted(await r.Gather.Contribute(G2S3, 2, 3, 12, Short), "2:10,11,12");
        AssertCompleted(await r.Gather.Contribute(G2S3, 0, 3, 0, Short), "0:10,11,12");
        Assert.Single(r.Calls);
    }

    [Fact]
    public async Task An_exception_of_the_function_reaches_every_waiter_and_completes_nothing()
    {
        var r = new Recorder((stamp, _) => throw new InvalidOperationException($"cannot combine {stamp}"));
        var slot0 = r.Gather.Contribute(G2S3, 0, 3, 0, Long);
        var slot2 = r.Gather.Contribute(G2S3, 2, 3, 2, Long);
        var last = r.Gather.Contribute(G2S3, 1, 3, 1, Long);
        foreach (var call in new[] { slot0, slot2, last })
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Equal($"cannot combine {G2S3}", e.Message);
        }
        Assert.Null(r.Gather.LastCompleted);
        Assert.Equal(0, r.Gather.CompletedSteps);
        Assert.Single(r.Calls);
    }

    [Fact]
    public async Task A_function_that_answers_the_wrong_number_of_slots_fails_every_waiter()
    {
        var r = new Recorder((_, values) => ["only one"]);
        var slot0 = r.Gather.Contribute(G2S3, 0, 2, 0, Long);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => r.Gather.Contribute(G2S3, 1, 2, 1, Long));
        Assert.Contains("1 answers for 2 slots", e.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => slot0);
        Assert.Equal(0, r.Gather.CompletedSteps);
    }

    [Theory]
    [InlineData(-1, 3)]
    [InlineData(3, 3)]
    [InlineData(0, 0)]
    public void A_slot_index_outside_the_slot_count_throws(int slot, int slotCount)
    {
        var r = new Recorder();
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Gather.Contribute(G2S3, slot, slotCount, 0, Long).GetAwaiter().GetResult());
        Assert.Empty(r.Gather.Refusals);
    }

    [Fact]
    public void The_slot_index_message_names_the_range_and_a_non_positive_wait_throws()
    {
        var r = new Recorder();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => r.Gather.Contribute(G2S3, 3, 3, 0, Long).GetAwaiter().GetResult());
        Assert.Equal("slot", e.ParamName);
        Assert.Contains("[0, 2]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Gather.Contribute(G2S3, 0, 3, 0, TimeSpan.Zero).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_slot_count_that_disagrees_with_the_open_step_throws_and_leaves_the_step_open()
    {
        var r = new Recorder();
        var slot0 = r.Gather.Contribute(G2S3, 0, 2, 1, Long);
        var e = Assert.Throws<ArgumentException>(() => r.Gather.Contribute(G2S3, 1, 3, 2, Long).GetAwaiter().GetResult());
        Assert.Equal("slotCount", e.ParamName);
        Assert.Contains("W = 2", e.Message);
        Assert.Contains("W = 3", e.Message);
        Assert.False(slot0.IsCompleted);
        AssertCompleted(await r.Gather.Contribute(G2S3, 1, 2, 2, Long), "1:1,2");
        AssertCompleted(await slot0, "0:1,2");
    }
}
