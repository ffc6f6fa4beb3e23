using System.Net;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace BamOrleans.Cluster.Tests.Rules;

/// <summary>Every message survives Orleans' wire format (the generated codecs, ids and aliases).</summary>
public sealed class MessageSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StepStamp).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    private static readonly StepStamp Stamp = new("run-7", 3, 42);

    [Fact]
    public void Stamp_and_settings_round_trip_by_value()
    {
        Assert.Equal(Stamp, RoundTrip(Stamp));
        var settings = new RunSettings("yaml", "lr: 0.0003\n");
        Assert.Equal(settings, RoundTrip(settings));
        Assert.Equal(RefusalReason.StaleGeneration, RoundTrip(RefusalReason.StaleGeneration));
    }

    [Fact]
    public void Step_results_keep_their_payloads()
    {
        var result = new StepResult(Stamp,
        [
            new SlotContribution("slot-0", new StepPayload([1.5f, -2f, float.MaxValue], [1, 2, 3])),
            new SlotContribution("slot-1", StepPayload.FromBytes([255])),
        ]);
        var copy = RoundTrip(result);
        Assert.Equal(Stamp, copy.Stamp);
        Assert.Equal(["slot-0", "slot-1"], copy.Contributions.Select(c => c.SlotId));
        Assert.Equal(result.Contributions[0].Payload.Floats, copy.Contributions[0].Payload.Floats);
        Assert.Equal(result.Contributions[0].Payload.Bytes, copy.Contributions[0].Payload.Bytes);
        Assert.Empty(copy.Contributions[1].Payload.Floats);
        Assert.Equal([(byte)255], copy.Contributions[1].Payload.Bytes);
    }

    [Fact]
    public void Outcomes_and_snapshots_round_trip()
    {
        Assert.Equal(new SubmitOutcome(RefusalReason.Duplicate, Stamp, false), RoundTrip(new SubmitOutcome(RefusalReason.Duplicate, Stamp, false)));
        Assert.Equal(new SlotRegistration(Stamp, true), RoundTrip(new SlotRegistration(Stamp, true)));
        var wait = RoundTrip(new StepWaitOutcome(StepWaitStatus.Refused, null, Stamp, RefusalReason.FutureStep));
        Assert.Equal((StepWaitStatus.Refused, Stamp, RefusalReason.FutureStep), (wait.Status, wait.Current, wait.Refusal));

        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 5);
        var snapshot = new RunStatusSnapshot("run-7", RunStatus.Running, null, Stamp, 42,
            new Dictionary<string, SiloAddress> { ["slot-0"] = silo }, ["slot-0"],
            new Dictionary<RefusalReason, long> { [RefusalReason.StaleGeneration] = 2 }, PendingWaits: 3);
        var copy = RoundTrip(snapshot);
        Assert.Equal((snapshot.RunId, snapshot.Status, snapshot.Current, snapshot.CompletedSteps), (copy.RunId, copy.Status, copy.Current, copy.CompletedSteps));
        Assert.Equal(silo, copy.Slots["slot-0"]);
        Assert.Equal(["slot-0"], copy.ReportedSlots);
        Assert.Equal(2, copy.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(2, copy.TotalRefusals);
        Assert.Equal(3, copy.PendingWaits);
    }
}
