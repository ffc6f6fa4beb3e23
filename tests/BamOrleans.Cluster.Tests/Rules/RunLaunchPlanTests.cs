using System.Net;
using BamOrleans.Cluster.Tests.Placement;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Runs;

namespace BamOrleans.Cluster.Tests.Rules;

/// <summary>The stored launch plan: its checks, and the one rule that lays a run out on silos at a launch and a recovery alike.</summary>
public sealed class RunLaunchPlanTests
{
    private static readonly DataPoolSettings Pool = new(Seed: 1, DatasetSize: 96, ShardCount: 4, GlobalBatch: 12);

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(IPAddress.Loopback, port, generation);

    [Fact]
    public void A_usable_plan_has_no_problem_and_counts_its_slots()
    {
        var plan = new RunLaunchPlan(Silos: 3, SlotsPerSilo: 2, Pool, PlannedSteps: 10);
        Assert.Empty(plan.Validate());
        Assert.Equal(6, plan.SlotCount);
    }

    [Theory]
    [InlineData(0, 1, 10, "silos = 0")]
    [InlineData(1, 0, 10, "slotsPerSilo = 0")]
    [InlineData(1, 1, 0, "plannedSteps = 0")]
    [InlineData(5, 1, 10, "does not split over 5 slots")]
    public void Each_problem_names_the_setting(int silos, int slotsPerSilo, long steps, string expected)
    {
        var problem = Assert.Single(new RunLaunchPlan(silos, slotsPerSilo, Pool, steps).Validate());
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void The_pools_own_problems_are_the_plans_too()
    {
        var plan = new RunLaunchPlan(1, 1, Pool with { GlobalBatch = 200 }, 10);
        Assert.Contains(plan.Validate(), p => p.Contains("exceeds DatasetSize"));
    }

    [Fact]
    public void A_run_takes_the_first_active_silos_in_address_order_and_waits_when_too_few_are_active()
    {
        var plan = new RunLaunchPlan(Silos: 2, SlotsPerSilo: 2, Pool, PlannedSteps: 10);
        var view = Membership.View((Silo(3), SiloStatus.Active), (Silo(1), SiloStatus.Dead), (Silo(2), SiloStatus.Active), (Silo(4), SiloStatus.Active));

        var chosen = RunSlotLayout.ChooseSilos(plan.Silos, view);
        Assert.Equal([Silo(2), Silo(3)], chosen);
        var keys = RunSlotLayout.SlotKeys("r1", plan, chosen!);
        Assert.Equal(4, keys.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);

        var shrunk = Membership.View((Silo(3), SiloStatus.Active), (Silo(2), SiloStatus.Dead));
        Assert.Null(RunSlotLayout.ChooseSilos(plan.Silos, shrunk));
        Assert.Equal(1, RunSlotLayout.ActiveCount(shrunk));
    }

    [Fact]
    public void A_roster_read_back_from_storage_keeps_counting_generations()
    {
        var roster = new SlotRoster(generation: 7);
        Assert.Equal(7, roster.Generation);
        roster.Register("a", Silo(1));
        Assert.Equal(8, roster.Generation);
    }
}
