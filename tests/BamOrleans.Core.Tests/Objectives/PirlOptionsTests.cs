using BamOrleans.Core.Objectives.Pirl;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class PirlOptionsTests
{
    [Fact]
    public void Defaults_are_the_papers_and_valid()
    {
        var o = new PirlOptions();
        Assert.Empty(o.Validate());
        Assert.Equal((4096, 0.07, 0.5, 0.5), (o.Negatives, o.Temperature, o.Lambda, o.MemoryMomentum));
        Assert.Equal((2, 0, 2), (o.GlobalViews, o.LocalViews, o.Views));
    }

    public static TheoryData<PirlOptions, string> BadOptions() => new()
    {
        { new PirlOptions { Negatives = 0 }, "pirl.negatives" },
        { new PirlOptions { Temperature = 0 }, "pirl.temperature" },
        { new PirlOptions { Temperature = double.NaN }, "pirl.temperature" },
        { new PirlOptions { Temperature = double.PositiveInfinity }, "pirl.temperature" },
        { new PirlOptions { Lambda = -0.1 }, "pirl.lambda" },
        { new PirlOptions { Lambda = 1.5 }, "pirl.lambda" },
        { new PirlOptions { Lambda = double.NaN }, "pirl.lambda" },
        { new PirlOptions { MemoryMomentum = 1 }, "pirl.memoryMomentum" },
        { new PirlOptions { MemoryMomentum = -0.5 }, "pirl.memoryMomentum" },
        { new PirlOptions { GlobalViews = 3 }, "pirl.globalViews" },
        { new PirlOptions { LocalViews = 2 }, "pirl.localViews" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Each_problem_gets_one_message_naming_the_key_and_a_fix(PirlOptions options, string key)
    {
        var message = Assert.Single(options.Validate());
        Assert.StartsWith(key + " = ", message);
        Assert.Contains("set " + key, message);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.999)]
    public void Boundary_values_are_accepted(double lambda, double momentum) =>
        Assert.Empty(new PirlOptions { Lambda = lambda, MemoryMomentum = momentum, Negatives = 1 }.Validate());

    [Fact]
    public void Several_problems_are_all_reported() =>
        Assert.Equal(3, new PirlOptions { Negatives = -1, Lambda = 2, LocalViews = 1 }.Validate().Count);
}
