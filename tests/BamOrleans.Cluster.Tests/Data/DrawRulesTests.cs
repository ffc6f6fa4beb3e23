using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Data;

public sealed class DrawRulesTests
{
    private static readonly StepStamp Open = new("run-a", Generation: 4, Step: 10);

    [Theory]
    [InlineData(4, 10, nameof(DrawAction.Repeat), null)]
    [InlineData(5, 10, nameof(DrawAction.Plan), null)]            // a redo under a newer generation
    [InlineData(4, 11, nameof(DrawAction.CommitThenPlan), null)]
    [InlineData(6, 11, nameof(DrawAction.CommitThenPlan), null)]  // membership changed after the step completed
    [InlineData(3, 10, nameof(DrawAction.Refuse), RefusalReason.StaleGeneration)]
    [InlineData(3, 11, nameof(DrawAction.Refuse), RefusalReason.StaleGeneration)]
    [InlineData(4, 9, nameof(DrawAction.Refuse), RefusalReason.StaleStep)]
    [InlineData(5, 9, nameof(DrawAction.Refuse), RefusalReason.StaleStep)]  // a committed step cannot be redone
    [InlineData(4, 12, nameof(DrawAction.Refuse), RefusalReason.FutureStep)]
    public void Judges_a_stamp_against_the_open_attempt(long generation, long step, string action, RefusalReason? reason) =>
        Assert.Equal(new DrawDecision(Enum.Parse<DrawAction>(action), reason), DrawRules.Judge("run-a", Open, Open with { Generation = generation, Step = step }));

    [Fact]
    public void Refuses_another_run_first() =>
        Assert.Equal(RefusalReason.WrongRun, DrawRules.Judge("run-a", null, new StepStamp("run-b", 1, 0)).Refusal);

    [Fact]
    public void Before_any_draw_only_step_0_is_planned()
    {
        Assert.Equal(DrawAction.Plan, DrawRules.Judge("run-a", null, new StepStamp("run-a", 7, 0)).Action);
        Assert.Equal(RefusalReason.FutureStep, DrawRules.Judge("run-a", null, new StepStamp("run-a", 7, 1)).Refusal);
    }
}
