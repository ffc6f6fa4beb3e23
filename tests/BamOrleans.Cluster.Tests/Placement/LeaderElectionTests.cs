using System.Collections.Immutable;
using System.Net;
using BamOrleans.Grains.Placement;

namespace BamOrleans.Cluster.Tests.Placement;

public sealed class LeaderElectionTests
{
    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(IPAddress.Loopback, port, generation);

    [Fact]
    public void The_silo_that_joined_first_leads_whatever_the_order()
    {
        SiloAddress[] silos = [Silo(1, 300), Silo(2, 100), Silo(3, 200)];
        foreach (var order in new[] { silos, silos.Reverse().ToArray(), [silos[2], silos[1], silos[0], silos[1]] })
            Assert.Equal(Silo(2, 100), LeaderElection.Choose(order));
    }

    [Fact]
    public void Ties_in_generation_go_to_the_ordinally_smaller_address()
    {
        // "127.0.0.1:10000@5" < "127.0.0.1:2000@5" as strings, though 2000 < 10000 as numbers: the rule is the string order.
        Assert.Equal(Silo(10000, 5), LeaderElection.Choose([Silo(2000, 5), Silo(10000, 5)]));
        Assert.Equal(Silo(10000, 5), LeaderElection.Choose([Silo(10000, 5), Silo(2000, 5)]));
        Assert.Equal(Silo(2000, 4), LeaderElection.Choose([Silo(10000, 5), Silo(2000, 4)]));
    }

    [Fact]
    public void No_silo_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => LeaderElection.Choose(Array.Empty<SiloAddress>()));
        Assert.Contains("no active silo", error.Message);
    }

    [Fact]
    public void A_membership_view_elects_among_its_active_members_only()
    {
        var view = Membership.View(
            (Silo(1, 50), SiloStatus.Dead),
            (Silo(2, 60), SiloStatus.ShuttingDown),
            (Silo(3, 70), SiloStatus.Joining),
            (Silo(4, 90), SiloStatus.Active),
            (Silo(5, 80), SiloStatus.Active));
        Assert.Equal(Silo(5, 80), LeaderElection.Choose(view));
        Assert.Throws<ArgumentException>(() => LeaderElection.Choose(Membership.View((Silo(1, 1), SiloStatus.Dead))));
    }
}

/// <summary>Membership views and a controllable membership service for the director tests.</summary>
internal static class Membership
{
    public static ClusterMembershipSnapshot View(params (SiloAddress Silo, SiloStatus Status)[] members) => new(
        members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, $"silo-{m.Silo.Endpoint.Port}")),
        new MembershipVersion(members.Length + 1));
}
