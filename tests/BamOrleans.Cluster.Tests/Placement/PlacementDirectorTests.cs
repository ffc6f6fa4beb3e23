using System.Net;
using System.Runtime.CompilerServices;
using BamOrleans.Grains.Placement;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime.Placement;

namespace BamOrleans.Cluster.Tests.Placement;

/// <summary>The directors against hand-made membership views, without a cluster.</summary>
public sealed class PlacementDirectorTests
{
    private static readonly SiloAddress Local = SiloAddress.New(IPAddress.Loopback, 11111, 100);
    private static readonly SiloAddress Pinned = SiloAddress.New(IPAddress.Loopback, 11112, 200);

    private static PlacementTarget Target(string key) => new(GrainId.Create("probe", key), [], default, 0);

    private static Task<SiloAddress> PlacePinned(FakeMembership membership, string key) =>
        new SiloPinnedPlacementDirector(membership, NullLogger<SiloPinnedPlacementDirector>.Instance)
            .OnAddActivation(SiloPinnedPlacement.Singleton, Target(key), new FakeContext());

    [Fact]
    public async Task Pinned_grain_goes_to_its_silo_when_active_even_if_another_silo_is_asking()
    {
        var membership = new FakeMembership(Membership.View((Local, SiloStatus.Active), (Pinned, SiloStatus.Active)));
        Assert.Equal(Pinned, await PlacePinned(membership, SiloPinnedKey.Compose(Pinned, "slot-0")));
        Assert.Equal(0, membership.Refreshes);
    }

    [Theory]
    [InlineData(SiloStatus.Dead)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Joining)]
    public async Task Pinned_grain_of_a_silo_that_is_not_active_fails_without_falling_back(SiloStatus status)
    {
        var membership = new FakeMembership(Membership.View((Local, SiloStatus.Active), (Pinned, status)));
        var key = SiloPinnedKey.Compose(Pinned, "slot-0");
        var error = await Assert.ThrowsAsync<SlotSiloLostException>(() => PlacePinned(membership, key));
        Assert.Equal((key, Pinned, status), (error.GrainKey, error.Silo, error.ObservedStatus));
        Assert.Equal(
            $"grain {key} is pinned to silo {Pinned.ToParsableString()}, which is not an active member ({status}): "
            + "the state it held there is lost; re-create it under a live silo's key",
            error.Message);
        Assert.Equal(0, membership.Refreshes); // only an unknown silo is worth a table read
    }

    [Fact]
    public async Task Silo_unknown_to_this_view_is_looked_up_in_the_table_once()
    {
        var membership = new FakeMembership(Membership.View((Local, SiloStatus.Active)))
        {
            AfterRefresh = Membership.View((Local, SiloStatus.Active), (Pinned, SiloStatus.Active)),
        };
        Assert.Equal(Pinned, await PlacePinned(membership, SiloPinnedKey.Compose(Pinned, "slot-0")));
        Assert.Equal(1, membership.Refreshes);

        var stillUnknown = new FakeMembership(Membership.View((Local, SiloStatus.Active)));
        var error = await Assert.ThrowsAsync<SlotSiloLostException>(() => PlacePinned(stillUnknown, SiloPinnedKey.Compose(Pinned, "slot-0")));
        Assert.Equal(SiloStatus.None, error.ObservedStatus);
        Assert.Contains("(absent from the membership table)", error.Message);
        Assert.Equal(1, stillUnknown.Refreshes);
    }

    [Fact]
    public async Task A_failed_table_read_answers_from_the_current_view()
    {
        var membership = new FakeMembership(Membership.View((Local, SiloStatus.Active))) { RefreshFails = true };
        await Assert.ThrowsAsync<SlotSiloLostException>(() => PlacePinned(membership, SiloPinnedKey.Compose(Pinned, "slot-0")));
    }

    [Fact]
    public async Task Malformed_pinned_key_names_the_grain_and_the_format()
    {
        var membership = new FakeMembership(Membership.View((Local, SiloStatus.Active)));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PlacePinned(membership, "slot-0"));
        Assert.Contains("grain probe/slot-0 has silo-pinned placement", error.Message);
        Assert.Contains("no '#'", error.Message);
    }

    [Fact]
    public async Task Leader_grain_goes_to_the_oldest_active_silo_and_follows_it_when_it_dies()
    {
        var director = new LeaderPlacementDirector(new FakeMembership(Membership.View(
            (Local, SiloStatus.Active), (Pinned, SiloStatus.Active))));
        Assert.Equal(Local, await director.OnAddActivation(LeaderPlacement.Singleton, Target("run-1"), new FakeContext()));

        var afterDeath = new LeaderPlacementDirector(new FakeMembership(Membership.View(
            (Local, SiloStatus.Dead), (Pinned, SiloStatus.Active))));
        Assert.Equal(Pinned, await afterDeath.OnAddActivation(LeaderPlacement.Singleton, Target("run-1"), new FakeContext()));
    }

    [Fact]
    public async Task Leader_grain_without_any_active_silo_fails_clearly()
    {
        var director = new LeaderPlacementDirector(new FakeMembership(Membership.View((Local, SiloStatus.Joining))));
        var error = await Assert.ThrowsAsync<OrleansException>(() =>
            director.OnAddActivation(LeaderPlacement.Singleton, Target("run-1"), new FakeContext()));
        Assert.Contains("sees no active silo", error.Message);
    }

    private sealed class FakeMembership(ClusterMembershipSnapshot view) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot? AfterRefresh { get; init; }
        public bool RefreshFails { get; init; }
        public int Refreshes { get; private set; }

        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = view;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => Updates();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default)
        {
            Refreshes++;
            if (RefreshFails) throw new OrleansException("membership table unreachable");
            CurrentSnapshot = AfterRefresh ?? CurrentSnapshot;
            return ValueTask.CompletedTask;
        }

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();

        private async IAsyncEnumerable<ClusterMembershipSnapshot> Updates([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield return CurrentSnapshot;
        }
    }

    private sealed class FakeContext : IPlacementContext
    {
        public SiloAddress LocalSilo => Local;
        public SiloStatus LocalSiloStatus => SiloStatus.Active;
        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => throw new NotSupportedException("the directors must not depend on it");
        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) => throw new NotSupportedException();
    }
}
