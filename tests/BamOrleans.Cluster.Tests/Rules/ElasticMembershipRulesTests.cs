using System.Net;
using BamOrleans.Cluster.Tests.Placement;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Runs;

namespace BamOrleans.Cluster.Tests.Rules;

/// <summary>The run's rules for a changing cluster: lost silos, the usable silo count under the
/// keep-the-global-batch policy, and who joins or stands aside.</summary>
public sealed class ElasticMembershipRulesTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(IPAddress.Loopback, port, 1);

    private static RunLaunchPlan Plan(int silos, int globalBatch = 12, int slotsPerSilo = 1) =>
        new(silos, slotsPerSilo, new DataPoolSettings(Seed: 1, DatasetSize: 96, ShardCount: 4, GlobalBatch: globalBatch), PlannedSteps: 10);

    private static Dictionary<string, SiloAddress> Roster(params int[] ports) =>
        ports.ToDictionary(p => $"slot-{p}", Silo, StringComparer.Ordinal);

    [Fact]
    public void Silos_that_are_dead_shutting_down_or_unknown_are_lost()
    {
        var view = Membership.View((Silo(1), SiloStatus.Active), (Silo(2), SiloStatus.Dead), (Silo(3), SiloStatus.ShuttingDown));
        Assert.Equal([Silo(2), Silo(3), Silo(4)], ElasticMembership.LostSilos(Roster(1, 2, 3, 4), view));
        Assert.Empty(ElasticMembership.LostSilos(Roster(1), view));
    }

    [Theory]
    [InlineData(12, 1, 3, 3, 3)]  // 12 splits over 3
    [InlineData(16, 1, 3, 4, 2)]  // 16 does not split over 3: 2 silos train, 1 stands by
    [InlineData(12, 1, 5, 4, 4)]  // never more than the plan's silos
    [InlineData(12, 2, 3, 3, 3)]  // 6 slots split 12
    [InlineData(16, 2, 3, 3, 2)]  // 6 slots do not split 16; 4 do
    [InlineData(12, 1, 0, 3, 0)]  // nothing active
    public void The_usable_silo_count_is_the_largest_whose_slots_split_the_global_batch(int batch, int slotsPerSilo, int available, int planned, int expected) =>
        Assert.Equal(expected, ElasticMembership.UsableSilos(batch, slotsPerSilo, available, planned));

    [Fact]
    public void A_new_active_silo_is_admitted_up_to_the_plans_silo_count()
    {
        var view = Membership.View((Silo(1), SiloStatus.Active), (Silo(2), SiloStatus.Active), (Silo(5), SiloStatus.Active), (Silo(4), SiloStatus.Active));
        var change = ElasticMembership.Decide(Roster(1, 2), view, Plan(silos: 3));
        Assert.Equal([Silo(4)], change.Admit);
        Assert.Empty(change.StandAside);
        Assert.True(ElasticMembership.Decide(Roster(1, 2, 4), view, Plan(silos: 3)).IsNone);
    }

    [Fact]
    public void Survivors_that_no_longer_split_the_batch_let_the_highest_addresses_stand_aside_and_are_not_readmitted()
    {
        var view = Membership.View((Silo(1), SiloStatus.Active), (Silo(2), SiloStatus.Active), (Silo(3), SiloStatus.Active));
        var change = ElasticMembership.Decide(Roster(1, 2, 3), view, Plan(silos: 4, globalBatch: 16));
        Assert.Equal([Silo(3)], change.StandAside);
        Assert.Empty(change.Admit);
        // Standing by, silo 3 is a candidate again only when a fourth silo makes 4 slots possible.
        Assert.True(ElasticMembership.Decide(Roster(1, 2), view, Plan(silos: 4, globalBatch: 16)).IsNone);
        var grown = Membership.View((Silo(1), SiloStatus.Active), (Silo(2), SiloStatus.Active), (Silo(3), SiloStatus.Active), (Silo(6), SiloStatus.Active));
        Assert.Equal([Silo(3), Silo(6)], ElasticMembership.Decide(Roster(1, 2), grown, Plan(silos: 4, globalBatch: 16)).Admit);
    }
}
