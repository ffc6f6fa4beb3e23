using System.Net;
using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Grains.Placement;

namespace BamOrleans.Cluster.Tests.Placement;

/// <summary>Silo-pinned and leader placement on three in-process silos, placed from the client and from each silo.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class PlacementClusterTests(InProcessCluster cluster)
{
    /// <summary>Bound on each test's grain calls (normally well under a second).</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(20);

    private static string Fresh(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<SiloAddress[]> Silos()
    {
        var silos = await cluster.ActiveSilos().WaitAsync(CallLimit);
        Assert.Equal(InProcessCluster.SiloCount, silos.Length);
        return silos;
    }

    private IPinnedProbeGrain Pinned(SiloAddress silo, string localKey) =>
        cluster.Client.GetGrain<IPinnedProbeGrain>(SiloPinnedKey.Compose(silo, localKey));

    [Fact]
    public async Task Pinned_grains_activate_on_the_silo_their_key_names_whichever_silo_places_them()
    {
        var silos = await Silos();
        foreach (var silo in silos) // placed by the gateway silo of each client call
            Assert.Equal(silo, await Pinned(silo, Fresh("slot")).WhereAmI().WaitAsync(CallLimit));

        // Each silo places a fresh pinned grain for every silo (grain-to-grain calls are placed by the caller's silo).
        foreach (var caller in silos)
        {
            var probe = Pinned(caller, Fresh("caller"));
            foreach (var target in silos)
                Assert.Equal(target, await probe.WherePinnedProbeIs(SiloPinnedKey.Compose(target, Fresh("slot"))).WaitAsync(CallLimit));
        }
    }

    [Fact]
    public async Task Leader_grains_activate_on_the_oldest_silo_whichever_silo_places_them()
    {
        var silos = await Silos();
        var oldest = silos.MinBy(s => s.Generation)!;
        Assert.Single(silos, s => s.Generation == oldest.Generation); // in one process generations differ
        Assert.Equal(cluster.PrimarySiloPort, oldest.Endpoint.Port); // started alone, first

        Assert.Equal(oldest, await cluster.Client.GetGrain<ILeaderProbeGrain>(Fresh("aggregator")).WhereAmI().WaitAsync(CallLimit));
        foreach (var caller in silos)
            Assert.Equal(oldest, await Pinned(caller, Fresh("caller")).WhereLeaderProbeIs(Fresh("aggregator")).WaitAsync(CallLimit));
    }

    [Fact]
    public async Task Pinned_key_naming_a_silo_outside_the_cluster_fails_and_names_the_silo()
    {
        var silos = await Silos();
        // Younger than every member and absent from the table: could be a newcomer, so the placing
        // silo re-reads the table before it gives up.
        var newcomer = SiloAddress.New(IPAddress.Loopback, 1, silos.Max(s => s.Generation) + 1000);
        var key = SiloPinnedKey.Compose(newcomer, Fresh("slot"));

        var fromClient = await Assert.ThrowsAsync<SlotSiloLostException>(() =>
            cluster.Client.GetGrain<IPinnedProbeGrain>(key).WhereAmI().WaitAsync(CallLimit));
        Assert.Equal(
            $"grain {key} is pinned to silo {newcomer.ToParsableString()}, which is not an active member "
            + "(absent from the membership table): the state it held there is lost; re-create it under a live silo's key",
            fromClient.Message);
        Assert.Equal((key, newcomer, SiloStatus.None), (fromClient.GrainKey, fromClient.Silo, fromClient.ObservedStatus));

        // Placed by a silo, the failure reaches the calling grain (and from there the client) the same way.
        var fromSilo = await Assert.ThrowsAsync<SlotSiloLostException>(() =>
            Pinned(silos[0], Fresh("caller")).WherePinnedProbeIs(key).WaitAsync(CallLimit));
        Assert.Equal(newcomer, fromSilo.Silo);

        // Older than anything the table remembers: Orleans already knows it is dead.
        var ancient = SiloAddress.New(IPAddress.Loopback, 1, 1);
        var error = await Assert.ThrowsAsync<SlotSiloLostException>(() =>
            cluster.Client.GetGrain<IPinnedProbeGrain>(SiloPinnedKey.Compose(ancient, "slot-0")).WhereAmI().WaitAsync(CallLimit));
        Assert.Equal(SiloStatus.Dead, error.ObservedStatus);
        Assert.Contains($"pinned to silo {ancient.ToParsableString()}, which is not an active member (Dead)", error.Message);
    }

    [Fact]
    public async Task Pinned_key_naming_an_earlier_incarnation_of_a_live_endpoint_fails_as_dead()
    {
        var live = (await Silos())[0];
        // Same ip:port, older generation: what a slot key looks like after its silo restarted.
        var previous = SiloAddress.New(live.Endpoint, live.Generation - 1);
        var key = SiloPinnedKey.Compose(previous, Fresh("slot"));

        var error = await Assert.ThrowsAsync<SlotSiloLostException>(() =>
            cluster.Client.GetGrain<IPinnedProbeGrain>(key).WhereAmI().WaitAsync(CallLimit));
        Assert.Equal(SiloStatus.Dead, error.ObservedStatus);
        Assert.Contains(previous.ToParsableString(), error.Message);
    }

    [Fact]
    public async Task Pinned_grain_with_a_key_that_names_no_silo_is_refused_as_a_caller_bug()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            cluster.Client.GetGrain<IPinnedProbeGrain>("slot-0").WhereAmI().WaitAsync(CallLimit));
        Assert.Contains("has silo-pinned placement but its key is not silo-pinned", error.Message);
        Assert.Contains("SiloPinnedKey.Compose", error.Message);
    }
}
