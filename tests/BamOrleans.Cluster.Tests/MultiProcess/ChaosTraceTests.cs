using BamOrleans.Tests.Shared.Chaos;

namespace BamOrleans.Cluster.Tests.MultiProcess;

/// <summary>The chaos test's preemption traces: what they contain and that a seed fixes them.</summary>
public sealed class ChaosTraceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(42)]
    public void Short_trace_is_the_same_for_the_same_seed(int seed) =>
        Assert.Equal(PreemptionTrace.Short(seed).Events, PreemptionTrace.Short(seed).Events);

    [Fact]
    public void Seeds_draw_different_victims()
    {
        var picks = Enumerable.Range(0, 20).Select(seed => string.Join(",", PreemptionTrace.Short(seed).Events.Select(e => e.Pick))).Distinct();
        Assert.True(picks.Count() > 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(42)]
    public void Short_trace_has_each_kind_once_each_loss_followed_by_a_replacement(int seed)
    {
        var events = PreemptionTrace.Short(seed, silos: 3).Events;
        var losses = events.Where(e => e.Kills).Select(e => e.Kind).ToList();
        Assert.Equal([ChaosEventKind.Kill9, ChaosEventKind.Terminate, ChaosEventKind.KillLeader, ChaosEventKind.KillAll], losses);
        for (var i = 0; i < events.Count; i += 2)
        {
            Assert.True(events[i].Kills);
            Assert.Equal(ChaosEventKind.StartReplacement, events[i + 1].Kind);
            // Replacements start at once (boot during the recovery); the loss of everything is
            // followed by a restart of as many silos as the run had.
            Assert.Equal(events[i].Kind == ChaosEventKind.KillAll ? 3 : 1, events[i + 1].Count);
            Assert.True(events[i + 1].Immediately);
        }
        // Events are spaced by steps, with room for a checkpoint (every 2 steps) between a recovery and the next loss.
        Assert.All(events.Where(e => e.Kills), e => Assert.InRange(e.AfterSteps, 3, 4));
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(1, 8)]
    [InlineData(7, 20)]
    public void Long_trace_is_seeded_starts_with_every_kind_and_replaces_every_loss(int seed, int losses)
    {
        var trace = PreemptionTrace.Long(seed, losses);
        Assert.Equal(trace.Events, PreemptionTrace.Long(seed, losses).Events);
        Assert.Equal(2 * losses, trace.Events.Count);
        var kinds = trace.Events.Where(e => e.Kills).Select(e => e.Kind).ToList();
        Assert.Equal([ChaosEventKind.Kill9, ChaosEventKind.Terminate, ChaosEventKind.KillLeader, ChaosEventKind.KillAll], kinds.Take(4));
        for (var i = 0; i < trace.Events.Count; i += 2)
        {
            Assert.Equal(ChaosEventKind.StartReplacement, trace.Events[i + 1].Kind);
            Assert.Equal(trace.Events[i].Kind == ChaosEventKind.KillAll ? 3 : 1, trace.Events[i + 1].Count);
            // Survivors train a few steps on their own before a replacement; nothing survives the loss of all.
            Assert.Equal(trace.Events[i].Kind == ChaosEventKind.KillAll, trace.Events[i + 1].Immediately);
        }
        Assert.True(trace.MinimumSteps >= 3 * losses);
    }

    [Fact]
    public void Long_trace_draws_every_kind_of_loss_zombies_included_over_enough_losses()
    {
        var kinds = PreemptionTrace.Long(seed: 7, losses: 20).Events.Where(e => e.Kills).Select(e => e.Kind).ToHashSet();
        Assert.Equal(Enum.GetValues<ChaosEventKind>().Where(k => k != ChaosEventKind.StartReplacement).ToHashSet(), kinds);
    }
}
