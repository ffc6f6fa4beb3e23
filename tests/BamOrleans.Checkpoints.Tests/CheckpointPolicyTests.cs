namespace BamOrleans.Checkpoints.Tests;

public class CheckpointPolicyTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Due_every_n_steps_but_never_before_the_first_step()
    {
        var policy = new CheckpointPolicy(EveryNSteps: 50, EveryInterval: null, KeepLast: 3);

        Assert.False(policy.Due(0, T0, T0.AddHours(1)));
        Assert.False(policy.Due(49, T0, T0.AddHours(1)));
        Assert.True(policy.Due(50, T0, T0));
        Assert.True(policy.Due(100, T0, T0));
        Assert.False(policy.Due(101, T0, T0));
    }

    [Fact]
    public void Due_when_the_interval_has_passed_since_the_last_checkpoint()
    {
        var policy = new CheckpointPolicy(0, TimeSpan.FromMinutes(10), 2);

        Assert.False(policy.Due(7, T0, T0.AddMinutes(9)));
        Assert.True(policy.Due(7, T0, T0.AddMinutes(10)));
        Assert.False(policy.Due(7, T0, T0.AddMinutes(-5))); // clock went backwards: not due
    }

    [Fact]
    public void Either_rule_makes_a_checkpoint_due()
    {
        var policy = new CheckpointPolicy(100, TimeSpan.FromMinutes(10), 2);

        Assert.True(policy.Due(100, T0, T0));
        Assert.True(policy.Due(7, T0, T0.AddMinutes(11)));
        Assert.False(policy.Due(7, T0, T0.AddMinutes(1)));
    }

    [Fact]
    public void Validate_names_every_bad_setting()
    {
        Assert.Empty(new CheckpointPolicy(100, null, 3).Validate());

        var problems = new CheckpointPolicy(-1, TimeSpan.Zero, 0).Validate();
        Assert.Contains(problems, p => p.Contains("everyNSteps = -1"));
        Assert.Contains(problems, p => p.Contains("everyInterval"));
        Assert.Contains(problems, p => p.Contains("keepLast = 0"));
        Assert.Contains(new CheckpointPolicy(0, null, 1).Validate(), p => p.Contains("neither"));
        Assert.Throws<ArgumentException>(() => new CheckpointPolicy(0, null, 0).ThrowIfInvalid());
    }
}
