namespace BamOrleans.Core.Randomness;

/// <summary>
/// A tiny, fully specified pseudo-random generator (Steele, Lea &amp; Flood's SplitMix64). Used where
/// the sequence must be identical on every machine and .NET version — System.Random's algorithm
/// is an implementation detail and may change.
/// </summary>
public struct SplitMix64(ulong state)
{
    /// <summary>The golden-ratio increment of the SplitMix64 sequence.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong _state = state;

    public ulong Next()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform integer in [0, bound) by rejection, so no value is favoured.</summary>
    public ulong NextBelow(ulong bound)
    {
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = Next(); while (x >= limit);
        return x % bound;
    }

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
