using System.Net;
using BamOrleans.Grains.Runs;

namespace BamOrleans.Cluster.Tests.Rules;

public sealed class SlotRosterTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    [Fact]
    public void Every_change_of_the_slot_set_bumps_the_generation_once()
    {
        var roster = new SlotRoster();
        Assert.Equal(0, roster.Generation);
        Assert.True(roster.Register("a", Silo(1)));
        Assert.True(roster.Register("b", Silo(1)));
        Assert.True(roster.Register("c", Silo(2)));
        Assert.Equal(3, roster.Generation);

        Assert.False(roster.Register("a", Silo(1))); // same slot, same silo: nothing changes
        Assert.Equal(3, roster.Generation);
        Assert.True(roster.Register("a", Silo(2))); // moved to another silo
        Assert.Equal(4, roster.Generation);

        Assert.Equal(["a", "c"], roster.RemoveSilo(Silo(2)));
        Assert.Equal(5, roster.Generation); // one bump for the whole silo
        Assert.Empty(roster.RemoveSilo(Silo(2)));
        Assert.Equal(5, roster.Generation);

        Assert.False(roster.Unregister("zzz"));
        Assert.True(roster.Unregister("b"));
        Assert.Equal(6, roster.Generation);
        Assert.Equal(0, roster.Count);
    }

    [Fact]
    public void Snapshot_is_a_copy()
    {
        var roster = new SlotRoster();
        roster.Register("a", Silo(1));
        var snapshot = roster.Snapshot();
        roster.Register("b", Silo(1));
        Assert.Single(snapshot);
        Assert.Equal(Silo(1), snapshot["a"]);
    }
}
