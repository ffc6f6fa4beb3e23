using System.Net;
using BamOrleans.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace BamOrleans.Cluster.Tests.Placement;

/// <summary>What placement sends over the wire survives Orleans' serializer.</summary>
public sealed class PlacementSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(SlotSiloLostException).Assembly).AddAssembly(typeof(LeaderPlacement).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    [Fact]
    public void Lost_silo_exception_keeps_its_message_and_details()
    {
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, 42);
        var original = new SlotSiloLostException(SiloPinnedKey.Compose(silo, "slot-1"), silo, SiloStatus.Dead);
        var copy = Assert.IsType<SlotSiloLostException>(RoundTrip<Exception>(original));
        Assert.Equal(original.Message, copy.Message);
        Assert.Equal((original.GrainKey, original.Silo, original.ObservedStatus), (copy.GrainKey, copy.Silo, copy.ObservedStatus));
    }

    [Fact]
    public void Strategies_round_trip_as_their_own_types()
    {
        Assert.IsType<SiloPinnedPlacement>(RoundTrip<PlacementStrategy>(new SiloPinnedPlacement()));
        Assert.IsType<LeaderPlacement>(RoundTrip<PlacementStrategy>(new LeaderPlacement()));
    }
}
