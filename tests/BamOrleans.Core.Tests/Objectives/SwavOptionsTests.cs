using BamOrleans.Core.Objectives.Swav;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class SwavOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_follow_the_official_recipe()
    {
        var o = new SwavOptions();
        Assert.Empty(o.Validate());
        Assert.Equal((2, 2, 4), (o.GlobalViews, o.LocalViews, o.Views));
        Assert.Equal((100, 0.05, 3, 0.1), (o.Prototypes, o.Epsilon, o.SinkhornIterations, o.Temperature));
        Assert.Equal((300, 0, 0), (o.FreezePrototypesSteps, o.QueueLength, o.QueueStartsAtStep));
    }

    public static TheoryData<SwavOptions, string> BadOptions() => new()
    {
        { new SwavOptions { GlobalViews = 1 }, "swav.globalViews = 1 is below 2: set swav.globalViews ≥ 2" },
        { new SwavOptions { LocalViews = -1 }, "swav.localViews = -1 is negative: set swav.localViews ≥ 0" },
        { new SwavOptions { Prototypes = 1 }, "swav.prototypes = 1 is below 2: set swav.prototypes ≥ 2" },
        { new SwavOptions { Epsilon = 0 }, "swav.epsilon = 0 must be a positive finite number: set swav.epsilon > 0" },
        { new SwavOptions { Epsilon = double.PositiveInfinity }, "set swav.epsilon > 0" },
        { new SwavOptions { Epsilon = double.NaN }, "set swav.epsilon > 0" },
        { new SwavOptions { SinkhornIterations = 0 }, "swav.sinkhornIterations = 0 is below 1: set swav.sinkhornIterations ≥ 1" },
        { new SwavOptions { Temperature = -0.1 }, "swav.temperature = -0.1 must be a positive finite number: set swav.temperature > 0" },
        { new SwavOptions { FreezePrototypesSteps = -1 }, "swav.freezePrototypesSteps = -1 is negative: set swav.freezePrototypesSteps ≥ 0" },
        { new SwavOptions { QueueLength = -8 }, "swav.queueLength = -8 is negative: set swav.queueLength = 0 for no queue" },
        { new SwavOptions { QueueStartsAtStep = -1 }, "swav.queueStartsAtStep = -1 is negative: set swav.queueStartsAtStep ≥ 0" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Each_problem_names_the_key_and_the_fix(SwavOptions options, string expected)
    {
        var problems = options.Validate();
        Assert.Single(problems);
        Assert.Contains(expected, problems[0]);
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var problems = new SwavOptions { GlobalViews = 0, Prototypes = 0, Epsilon = -1, QueueLength = -1 }.Validate();
        Assert.Equal(4, problems.Count);
        Assert.Equal(["swav.globalViews", "swav.prototypes", "swav.epsilon", "swav.queueLength"], problems.Select(p => p.Split(' ')[0]));
    }
}
