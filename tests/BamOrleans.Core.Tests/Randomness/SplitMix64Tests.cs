using BamOrleans.Core.Randomness;

namespace BamOrleans.Core.Tests.Randomness;

public class SplitMix64Tests
{
    [Fact]
    public void Matches_the_published_reference_sequence()
    {
        // First outputs of SplitMix64 seeded with 1234567 (Vigna's reference implementation).
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.Next());
        Assert.Equal(3203168211198807973UL, rng.Next());
        Assert.Equal(9817491932198370423UL, rng.Next());
    }

    [Fact]
    public void NextBelow_stays_in_range_and_covers_it()
    {
        var rng = new SplitMix64(42);
        var counts = new int[7];
        for (var i = 0; i < 7000; i++) counts[rng.NextBelow(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }
}
