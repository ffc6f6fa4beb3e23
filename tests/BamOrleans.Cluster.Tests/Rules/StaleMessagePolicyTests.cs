using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Rules;

public sealed class StaleMessagePolicyTests
{
    private static readonly StepStamp Current = new("run-a", Generation: 4, Step: 10);

    private static RefusalReason? Judge(StepStamp incoming, bool running = true, bool registered = true, bool reported = false) =>
        StaleMessagePolicy.JudgeSubmission(Current, incoming, running, registered, reported).Refusal;

    [Fact]
    public void Accepts_the_open_step_of_the_current_generation_from_a_registered_slot_that_has_not_reported() =>
        Assert.True(StaleMessagePolicy.JudgeSubmission(Current, Current, true, true, false).IsAccepted);

    [Theory]
    [InlineData(3, 10, RefusalReason.StaleGeneration)]
    [InlineData(0, 10, RefusalReason.StaleGeneration)]
    [InlineData(3, 11, RefusalReason.StaleGeneration)] // an old generation is refused whatever its step
    [InlineData(5, 10, RefusalReason.FutureGeneration)]
    [InlineData(4, 9, RefusalReason.StaleStep)]
    [InlineData(4, 11, RefusalReason.FutureStep)]
    public void Refuses_other_generations_and_steps(long generation, long step, RefusalReason expected) =>
        Assert.Equal(expected, Judge(Current with { Generation = generation, Step = step }));

    [Fact]
    public void Refuses_another_run_first() =>
        Assert.Equal(RefusalReason.WrongRun, Judge(new StepStamp("run-b", 1, 0), running: false, registered: false, reported: true));

    [Fact]
    public void A_slot_declared_dead_that_came_back_is_reported_as_stale_generation_not_unknown() =>
        Assert.Equal(RefusalReason.StaleGeneration, Judge(Current with { Generation = 3 }, registered: false));

    [Fact]
    public void Refuses_when_not_running_unknown_or_duplicate()
    {
        Assert.Equal(RefusalReason.NotRunning, Judge(Current, running: false));
        Assert.Equal(RefusalReason.UnknownSlot, Judge(Current, registered: false));
        Assert.Equal(RefusalReason.Duplicate, Judge(Current, reported: true));
    }

    [Fact]
    public void Stamp_only_judgement_ignores_slot_standing()
    {
        Assert.True(StaleMessagePolicy.JudgeStamp(Current, Current).IsAccepted);
        Assert.Equal(RefusalReason.FutureStep, StaleMessagePolicy.JudgeStamp(Current, Current with { Step = 12 }).Refusal);
    }
}
