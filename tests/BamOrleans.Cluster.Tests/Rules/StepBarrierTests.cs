using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Rules;

public sealed class StepBarrierTests
{
    private static readonly StepStamp Start = new("run", 1, 0);

    [Fact]
    public void Completes_on_the_last_expected_report_with_contributions_in_slot_order_then_opens_the_next_step()
    {
        var barrier = new StepBarrier(Start, ["b", "a", "c"]);
        Assert.Null(barrier.Add("c", StepPayload.FromFloats([3])));
        Assert.Null(barrier.Add("a", StepPayload.FromFloats([1])));
        Assert.True(barrier.HasReported("a"));
        var result = barrier.Add("b", StepPayload.FromFloats([2]));
        Assert.NotNull(result);
        Assert.Equal(Start, result.Stamp);
        Assert.Equal(["a", "b", "c"], result.Contributions.Select(c => c.SlotId));
        Assert.Equal([1f, 2f, 3f], result.Contributions.Select(c => c.Payload.Floats[0]));
        Assert.Equal(Start with { Step = 1 }, barrier.Position);
        Assert.Empty(barrier.ReportedSlots);
    }

    [Fact]
    public void Reopen_drops_partial_reports_and_waits_for_the_new_slot_set()
    {
        var barrier = new StepBarrier(Start, ["a", "b"]);
        barrier.Add("a", StepPayload.Empty);
        barrier.Reopen(generation: 2, ["a", "b", "c"]);
        Assert.Equal(new StepStamp("run", 2, 0), barrier.Position);
        Assert.False(barrier.HasReported("a"));
        Assert.Null(barrier.Add("a", StepPayload.Empty));
        Assert.Null(barrier.Add("b", StepPayload.Empty));
        Assert.NotNull(barrier.Add("c", StepPayload.Empty));
    }

    [Fact]
    public void Refuses_reports_that_were_not_judged_first()
    {
        var barrier = new StepBarrier(Start, ["a"]);
        Assert.Throws<InvalidOperationException>(() => barrier.Add("x", StepPayload.Empty));
        var twoSlots = new StepBarrier(Start, ["a", "b"]);
        twoSlots.Add("a", StepPayload.Empty);
        Assert.Throws<InvalidOperationException>(() => twoSlots.Add("a", StepPayload.Empty));
    }
}
