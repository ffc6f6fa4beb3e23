using BamOrleans.Core.Objective;

namespace BamOrleans.Core.Tests.Objective;

public sealed class BamOptionsTests
{
    [Fact]
    public void Defaults_are_the_papers_and_valid()
    {
        var o = new BamOptions();
        Assert.Empty(o.Validate());
        Assert.Equal((2, 0, 2, 2), (o.GlobalViews, o.LocalViews, o.TargetViews, o.Views));
        Assert.Equal((0.05, 0.1, 3, 0, false), (o.Epsilon, o.Temperature, o.SinkhornIterations, o.TopK, o.UseEmaTeacher));
        Assert.Null(o.EpsilonFinal);
        Assert.Equal(30, o.EpsilonWarmupEpochs);
    }

    [Theory]
    [InlineData("TargetViews = 3 exceeds Views = 2: set TargetViews ≤ GlobalViews+LocalViews")]
    public void Too_many_target_views_names_key_and_fix(string expected)
    {
        var problems = new BamOptions { TargetViews = 3 }.Validate();
        Assert.Contains(problems, p => p.Contains(expected));
    }

    public static TheoryData<BamOptions, string> BadOptions() => new()
    {
        { new BamOptions { GlobalViews = 0, TargetViews = 1, LocalViews = 1 }, "GlobalViews" },
        { new BamOptions { LocalViews = -1 }, "LocalViews" },
        { new BamOptions { TargetViews = 0 }, "TargetViews" },
        { new BamOptions { Epsilon = 0 }, "Epsilon" },
        { new BamOptions { Epsilon = double.NaN }, "Epsilon" },
        { new BamOptions { EpsilonFinal = -0.1 }, "EpsilonFinal" },
        { new BamOptions { EpsilonWarmupEpochs = -1 }, "EpsilonWarmupEpochs" },
        { new BamOptions { Temperature = 0 }, "Temperature" },
        { new BamOptions { SinkhornIterations = 0 }, "SinkhornIterations" },
        { new BamOptions { TopK = -1 }, "TopK" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Each_problem_gets_one_message_naming_the_key_and_a_fix(BamOptions options, string key)
    {
        var problems = options.Validate();
        var message = Assert.Single(problems);
        Assert.StartsWith(key + " = ", message);
        Assert.Contains("set ", message);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var problems = new BamOptions { Temperature = -1, SinkhornIterations = 0, TopK = -2 }.Validate();
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Epsilon_schedule_comes_from_the_options()
    {
        var s = new BamOptions { Epsilon = 0.05, EpsilonFinal = 0.1, EpsilonWarmupEpochs = 10 }.EpsilonSchedule;
        Assert.Equal((0.05, 0.1, 10), (s.Start, s.Final, s.WarmupEpochs));
        Assert.Equal(0.05, new BamOptions().EpsilonSchedule.At(100));
    }
}
