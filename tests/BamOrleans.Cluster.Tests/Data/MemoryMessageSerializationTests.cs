using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The memory bank messages survive Orleans' wire format (the generated codecs, ids and aliases).</summary>
public sealed class MemoryMessageSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(MemoryRows).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    private static readonly StepStamp Stamp = new("run-7", 3, 42);

    [Fact]
    public void Settings_with_a_memory_width_round_trip_and_a_negative_width_is_invalid()
    {
        var settings = new DataPoolSettings(-5, 1000, 9, 64, MemoryWidth: 128);
        Assert.Equal(settings, RoundTrip(settings));
        Assert.Equal(0, new DataPoolSettings(1, 10, 2, 2).MemoryWidth);
        var problem = Assert.Single((settings with { MemoryWidth = -1 }).Validate());
        Assert.Contains("MemoryWidth is -1", problem);
    }

    [Fact]
    public void Rows_and_snapshots_round_trip_bit_for_bit()
    {
        float[] rows = [1.5f, -0f, float.Epsilon, 3e38f, -2.25f, 0.1f];
        var read = RoundTrip(new MemoryRows(Stamp, 3, rows, null));
        Assert.Equal((Stamp, 3, (RefusalReason?)null, 2), (read.Stamp, read.Width, read.Refused, read.Count));
        Assert.Equal(rows.Select(BitConverter.SingleToInt32Bits), read.Rows.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([3e38f, -2.25f, 0.1f], read.Row(1).ToArray());

        var refused = RoundTrip(MemoryRows.Refusal(Stamp, 3, RefusalReason.StaleGeneration));
        Assert.Equal((RefusalReason?)RefusalReason.StaleGeneration, refused.Refused);
        Assert.Empty(refused.Rows);

        var snapshot = RoundTrip(new MemorySnapshot(41, 2, rows));
        Assert.Equal((41L, 2, 3), (snapshot.AfterStep, snapshot.Width, snapshot.Count));
        Assert.Equal(rows.Select(BitConverter.SingleToInt32Bits), snapshot.Rows.Select(BitConverter.SingleToInt32Bits));
    }
}
