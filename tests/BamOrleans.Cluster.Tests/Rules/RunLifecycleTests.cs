using BamOrleans.Grains.Runs;

namespace BamOrleans.Cluster.Tests.Rules;

public sealed class RunLifecycleTests
{
    [Theory]
    [InlineData(RunStatus.Created, RunStatus.Running)]
    [InlineData(RunStatus.Running, RunStatus.Paused)]
    [InlineData(RunStatus.Paused, RunStatus.Running)]
    [InlineData(RunStatus.Created, RunStatus.Completed)]
    [InlineData(RunStatus.Running, RunStatus.Completed)]
    [InlineData(RunStatus.Paused, RunStatus.Failed)]
    [InlineData(RunStatus.Running, RunStatus.Cancelled)]
    [InlineData(RunStatus.Paused, RunStatus.Cancelled)]
    public void Allowed_moves_change_the_status(RunStatus from, RunStatus to) => Assert.True(RunLifecycle.Move(from, to));

    [Theory]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void Repeating_a_move_is_a_no_op(RunStatus status) => Assert.False(RunLifecycle.Move(status, status));

    [Theory]
    [InlineData(RunStatus.Created, RunStatus.Paused)]
    [InlineData(RunStatus.Completed, RunStatus.Running)]
    [InlineData(RunStatus.Completed, RunStatus.Failed)]
    [InlineData(RunStatus.Failed, RunStatus.Completed)]
    [InlineData(RunStatus.Failed, RunStatus.Running)]
    [InlineData(RunStatus.Cancelled, RunStatus.Running)]
    [InlineData(RunStatus.Completed, RunStatus.Cancelled)]
    public void Other_moves_are_refused(RunStatus from, RunStatus to) =>
        Assert.Throws<InvalidOperationException>(() => RunLifecycle.Move(from, to));
}
