using BamOrleans.Core.Randomness;

namespace BamOrleans.Grains.Data;

/// <summary>
/// The order in which one shard visits its samples in one epoch: a Fisher–Yates permutation of the
/// shard's range driven by a SplitMix64 stream seeded from (seed, epoch, shard). A pure function,
/// so the shard grain, the tests and any process (a slot checking what it was given, a resumed
/// run) recompute exactly the same order without shared state.
/// </summary>
public static class ShardOrder
{
    // Distinct salts keep (epoch, shard) = (a, b) and (b, a) on unrelated streams. The epoch salt
    // is EpochSampler's, so a one-shard dataset still gets a fresh order every epoch.
    private const ulong EpochSalt = 0x5EED_0000UL;
    private const ulong ShardSalt = 0x5AAD_0000_0000UL;

    /// <summary>The dataset indices of <paramref name="range"/>, each exactly once, in visiting order.</summary>
    /// <param name="seed">The run's data seed.</param>
    /// <param name="epoch">Epoch, counted from 0.</param>
    /// <param name="shard">The shard's index (part of the seed, not of the range).</param>
    /// <param name="range">The shard's dataset indices.</param>
    public static int[] Of(long seed, int epoch, int shard, ShardRange range)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Start);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Count, 1);
        var order = new int[range.Count];
        for (var i = 0; i < order.Length; i++) order[i] = range.Start + i;
        var rng = new SplitMix64(StreamSeed(seed, epoch, shard));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)rng.NextBelow((ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong StreamSeed(long seed, int epoch, int shard) =>
        SplitMix64.Mix(SplitMix64.Mix((ulong)seed ^ SplitMix64.Mix(EpochSalt + (ulong)epoch)) ^ SplitMix64.Mix(ShardSalt + (ulong)shard));
}
