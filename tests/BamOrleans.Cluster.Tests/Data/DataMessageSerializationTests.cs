using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The data messages survive Orleans' wire format (the generated codecs, ids and aliases).</summary>
public sealed class DataMessageSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(SlotDraw).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    private static readonly StepStamp Stamp = new("run-7", 3, 42);

    [Fact]
    public void Settings_draws_and_commits_round_trip()
    {
        var settings = new DataPoolSettings(-5, 1000, 9, 64);
        Assert.Equal(settings, RoundTrip(settings));
        var draw = RoundTrip(new SlotDraw(Stamp, 2, [5, 3, 999], null));
        Assert.Equal((Stamp, 2, (RefusalReason?)null), (draw.Stamp, draw.Epoch, draw.Refused));
        Assert.Equal([5, 3, 999], draw.Indices);
        Assert.Equal(RefusalReason.StaleStep, RoundTrip(SlotDraw.Refusal(Stamp, 2, RefusalReason.StaleStep)).Refused);
        Assert.Equal(new ShardCommit(41, 2, 17), RoundTrip(new ShardCommit(41, 2, 17)));
        var state = new DataShardState("run-7", 3, new ShardRange(30, 10), true, 41, 2, 7);
        Assert.Equal(state, RoundTrip(state));
    }

    [Fact]
    public void Snapshots_round_trip()
    {
        var snapshot = new DataPoolSnapshot("run-7", new DataPoolSettings(1, 20, 2, 4), 1, 41, Stamp,
            [new ShardLease(0, new ShardRange(0, 10), 4, "slot-a"), new ShardLease(1, new ShardRange(10, 10), 0, null)],
            new Dictionary<RefusalReason, long> { [RefusalReason.StaleGeneration] = 2 });
        var copy = RoundTrip(snapshot);
        Assert.Equal((snapshot.RunId, snapshot.Settings, snapshot.Epoch, snapshot.CommittedStep, snapshot.Planned),
            (copy.RunId, copy.Settings, copy.Epoch, copy.CommittedStep, copy.Planned));
        Assert.Equal(snapshot.Shards, copy.Shards);
        Assert.Equal(2, copy.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Null(RoundTrip(snapshot with { Planned = null, Settings = null }).Planned);
    }
}
