using BamOrleans.Core.Randomness;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// A counter-based random stream: value k is a pure hash of (key, k), with no state carried from
/// one call to the next. The key is derived from (seed, epoch, sampleId, view, purpose), so the
/// numbers a view gets do not depend on which other images share its batch, on batch order, or on
/// which process makes the batch — the property distributed training relies on to reproduce the
/// single-process views exactly. Mixing is SplitMix64's finaliser (a bijection on 64 bits).
/// </summary>
internal struct CounterRandom
{
    private const ulong Golden = SplitMix64.Golden;
    private readonly ulong _key;
    private ulong _counter;

    private CounterRandom(ulong key)
    {
        _key = key;
        _counter = 0;
    }

    /// <summary>The stream for one purpose (crop, flip, …) of one view of one sample. Separate
    /// purposes get separate streams so that changing one operation's settings leaves the
    /// random numbers of the others untouched.</summary>
    public static CounterRandom For(long seed, int epoch, long sampleId, ViewKind kind, int viewIndex, RandomPurpose purpose)
    {
        var key = Absorb(Golden, (ulong)seed);
        key = Absorb(key, (ulong)(long)epoch);
        key = Absorb(key, (ulong)sampleId);
        key = Absorb(key, ((ulong)kind << 32) | (uint)viewIndex);
        key = Absorb(key, (ulong)purpose);
        return new CounterRandom(key);
    }

    /// <summary>Uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble()
    {
        _counter++;
        return (Mix(_key + _counter * Golden) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Uniform in [min, max) (exactly min when min == max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Uniform integer in [0, count).</summary>
    public int NextInt(int count) => Math.Min(count - 1, (int)(NextDouble() * count));

    private static ulong Absorb(ulong state, ulong value) => Mix(state ^ Mix(value + Golden));

    private static ulong Mix(ulong z) => SplitMix64.Mix(z);
}

/// <summary>What a random stream is drawn for; part of its key.</summary>
internal enum RandomPurpose
{
    Crop = 1,
    Flip,
    Jitter,
    Grayscale,
    Blur,
    Solarize,
}
