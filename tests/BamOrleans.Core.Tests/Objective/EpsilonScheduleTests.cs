using BamOrleans.Core.Objective;

namespace BamOrleans.Core.Tests.Objective;

public sealed class EpsilonScheduleTests
{
    /// <summary>At integer epochs: the official table linspace(start, final, 30) then constant.</summary>
    [Fact]
    public void Matches_the_official_linspace_table_at_whole_epochs()
    {
        var schedule = new EpsilonSchedule(0.05, 0.1, 30);
        for (var epoch = 0; epoch < 60; epoch++)
        {
            var expected = epoch < 30 ? 0.05 + (0.1 - 0.05) * epoch / 29.0 : 0.1;
            Assert.Equal(expected, schedule.At(epoch), 12);
        }
        Assert.Equal(0.05, schedule.At(0));
        Assert.Equal(0.1, schedule.At(29));
    }

    [Fact]
    public void Interpolates_between_epochs_and_clamps_outside()
    {
        var schedule = new EpsilonSchedule(0.2, 0.1, 3);   // table [0.2, 0.15, 0.1]
        Assert.Equal(0.175, schedule.At(0.5), 12);
        Assert.Equal(0.2, schedule.At(-1));
        Assert.Equal(0.1, schedule.At(2.5));
        Assert.Equal(0.1, schedule.At(1e6));
    }

    [Fact]
    public void Short_warmups_and_constant_schedules()
    {
        Assert.Equal(0.3, new EpsilonSchedule(0.2, 0.3, 0).At(0));
        Assert.Equal(0.2, new EpsilonSchedule(0.2, 0.3, 1).At(0));
        Assert.Equal(0.3, new EpsilonSchedule(0.2, 0.3, 1).At(1));
        Assert.Equal(0.05, new EpsilonSchedule(0.05, 0.05, 30).At(12.3));
    }

    [Fact]
    public void Rejects_nonpositive_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonSchedule(0, 0.1, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonSchedule(0.1, -1, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonSchedule(0.1, 0.1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonSchedule(0.1, 0.1, 30).At(double.NaN));
    }
}
