using BamOrleans.Core.Randomness;

namespace BamOrleans.Core.Training;

/// <summary>
/// The order in which one epoch visits a dataset: a permutation fixed by (seed, epoch), so any
/// process — a resumed run, or one slot of a cluster — can recompute exactly which samples a
/// global step covers without shared state. Steps take consecutive blocks of the permutation; the
/// tail that does not fill a whole global batch is dropped, as data loaders with drop_last do.
/// </summary>
public sealed class EpochSampler
{
    private readonly long _seed;
    private readonly int _datasetSize;
    private int _cachedEpoch = -1;
    private int[] _cachedOrder = [];

    public EpochSampler(long seed, int datasetSize, int globalBatch)
    {
        if (datasetSize < globalBatch)
            throw new ArgumentException(
                $"The dataset has {datasetSize} images, fewer than one global batch of {globalBatch}: lower the batch size.");
        if (globalBatch < 1)
            throw new ArgumentOutOfRangeException(nameof(globalBatch), "The global batch must hold at least one image.");
        _seed = seed;
        _datasetSize = datasetSize;
        GlobalBatch = globalBatch;
        StepsPerEpoch = datasetSize / globalBatch;
    }

    public int GlobalBatch { get; }

    public int StepsPerEpoch { get; }

    public int EpochOf(long step) => (int)(step / StepsPerEpoch);

    /// <summary>Dataset indices of the global batch of <paramref name="step"/>, in batch order.</summary>
    public int[] IndicesFor(long step)
    {
        var epoch = EpochOf(step);
        var order = OrderOf(epoch);
        var offset = (int)(step % StepsPerEpoch) * GlobalBatch;
        return order.AsSpan(offset, GlobalBatch).ToArray();
    }

    /// <summary>The full visiting order of <paramref name="epoch"/> (Fisher–Yates on a SplitMix64 stream).</summary>
    public int[] OrderOf(int epoch)
    {
        if (epoch == _cachedEpoch) return _cachedOrder;
        var order = new int[_datasetSize];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var rng = new SplitMix64(SplitMix64.Mix((ulong)_seed ^ SplitMix64.Mix(0x5EED_0000UL + (ulong)epoch)));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)rng.NextBelow((ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        _cachedEpoch = epoch;
        _cachedOrder = order;
        return order;
    }
}
