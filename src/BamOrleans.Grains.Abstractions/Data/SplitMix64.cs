namespace BamOrleans.Grains.Data;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood), the same generator as <c>BamOrleans.Core.Randomness.SplitMix64</c>.
/// A private copy because this assembly must stay free of the Core project (and of its TorchSharp
/// dependency), while shard orders must be recomputable bit-for-bit by any process.
/// </summary>
/// <remarks>Keep it identical to the Core one: both follow Vigna's published reference sequence.</remarks>
internal struct SplitMix64(ulong state)
{
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
