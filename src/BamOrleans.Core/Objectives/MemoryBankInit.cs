using BamOrleans.Core.Randomness;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// The starting rows of a memory bank: for each image a random unit vector (a standard Gaussian,
/// normalised), as PIRL's bank starts. Row <c>index</c> is a pure function of (seed, index, width),
/// drawn from a counter-based stream keyed like <c>CounterRandom</c>'s, so it is the same whichever
/// shard holds the image, however many shards the bank is cut into, and in whatever order rows are
/// made.
/// </summary>
/// <remarks>
/// The Gaussians come from Box–Muller in double precision; the last bit of Math.Log/Cos may differ
/// between runtimes, which is harmless because a resumed run reads its bank from the checkpoint,
/// never by drawing it again.
/// </remarks>
public static class MemoryBankInit
{
    // Separates this stream from every other use of (seed, index) keys in the project. The tag
    // ("PIRLMEM") is the one PIRL's reference (tools/reference/pirl_reference.py) pins the rows with.
    private const ulong Domain = 0x5049524C4D454D00UL;

    /// <summary>A deterministic unit vector of <paramref name="width"/> floats for image <paramref name="index"/>.</summary>
    public static float[] Row(long seed, int index, int width)
    {
        var row = new float[width];
        Fill(seed, index, row);
        return row;
    }

    /// <summary>Writes <see cref="Row"/>(seed, index, destination.Length) into <paramref name="destination"/>
    /// (the bank's own storage, so making a shard's rows allocates nothing per row).</summary>
    public static void Fill(long seed, int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (destination.Length < 1)
            throw new ArgumentException("a memory bank row needs a width of at least 1: give the embedding width (e.g. 128)", nameof(destination));
        var random = new SplitMix64(Absorb(Absorb(Absorb(SplitMix64.Golden, (ulong)seed), Domain), (ulong)index));
        Span<double> values = destination.Length <= 1024 ? stackalloc double[destination.Length] : new double[destination.Length];
        var squares = 0.0;
        for (var k = 0; k < values.Length; k += 2)
        {
            // Box–Muller: u1 in (0, 1] keeps the logarithm finite.
            var u1 = ((random.Next() >> 11) + 1) * (1.0 / (1UL << 53));
            var u2 = (random.Next() >> 11) * (1.0 / (1UL << 53));
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var angle = 2.0 * Math.PI * u2;
            values[k] = radius * Math.Cos(angle);
            if (k + 1 < values.Length) values[k + 1] = radius * Math.Sin(angle);
        }
        foreach (var v in values) squares += v * v;
        // A Gaussian vector of zero length has probability zero; a fixed axis keeps the row a unit
        // vector even then, rather than dividing by zero.
        if (squares == 0.0)
        {
            destination.Clear();
            destination[0] = 1f;
            return;
        }
        var scale = 1.0 / Math.Sqrt(squares);
        for (var k = 0; k < values.Length; k++) destination[k] = (float)(values[k] * scale);
    }

    // CounterRandom's key derivation: each value is hashed into the key, so nearby seeds and
    // indices give unrelated streams.
    private static ulong Absorb(ulong state, ulong value) => SplitMix64.Mix(state ^ SplitMix64.Mix(value + SplitMix64.Golden));
}
