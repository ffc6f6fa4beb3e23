using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Steps;
using Orleans.Concurrency;

namespace BamOrleans.Grains.Training;

/// <summary>
/// One shard of the run's parameter-gradient average. Reentrant for the same reason as the
/// aggregator: every slot's call waits for the others.
/// </summary>
/// <remarks>
/// The mean is accumulated in float64, in slot order, then rounded once to float32, so it does
/// not depend on which slot arrived first and every replica receives the same bits.
/// On the leader, with the rest of the run's coordination: a silo lost elsewhere then takes no
/// shard with it, and the survivors need no new activation (which the grain directory holds back
/// for a few seconds after a crash). The price is that the leader's network carries every slot's
/// gradient both ways; spreading the shards over the slots' silos is the change to make when that
/// link, not the step's compute, becomes the bottleneck.
/// </remarks>
[Reentrant, LeaderPlacement]
internal sealed class GradientShardGrain : Grain, IGradientShardGrain
{
    private readonly StampedGather<float[], float[]> _gather;

    public GradientShardGrain()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        if (slash <= 0)
            throw new ArgumentException($"gradient shard key '{key}' must be \"{{runId}}/{{shard}}\"");
        _gather = new StampedGather<float[], float[]>(key[..slash], (_, values) => Mean(values));
    }

    public Task<ExchangeResult<float[]>> Average(StepStamp stamp, int slotIndex, int slotCount, float[] values, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _gather.Contribute(stamp, slotIndex, slotCount, values, wait);
    }

    public Task<ExchangeSnapshot> GetSnapshot() =>
        Task.FromResult(new ExchangeSnapshot(GrainContext.Address.SiloAddress!, _gather.LastCompleted, _gather.CompletedSteps, _gather.Refusals));

    /// <summary>The element-wise mean of the slots' slices, one shared answer for all.</summary>
    internal static float[][] Mean(float[][] slices)
    {
        var length = slices[0].Length;
        for (var w = 1; w < slices.Length; w++)
            if (slices[w].Length != length)
                throw new ArgumentException(
                    $"slot {w} sent {slices[w].Length} gradient values but slot 0 sent {length}: every slot must split the same model the same way (same architecture, same slot count).");
        var sum = new double[length];
        foreach (var slice in slices)
            for (var i = 0; i < length; i++)
                sum[i] += slice[i];
        var mean = new float[length];
        for (var i = 0; i < length; i++)
            mean[i] = (float)(sum[i] / slices.Length);
        return Enumerable.Repeat(mean, slices.Length).ToArray();
    }
}
