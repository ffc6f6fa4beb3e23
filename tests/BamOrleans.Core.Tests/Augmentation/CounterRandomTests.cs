using BamOrleans.Core.Augmentation;

namespace BamOrleans.Core.Tests.Augmentation;

public sealed class CounterRandomTests
{
    private static double[] First(int count, long seed = 7, int epoch = 3, long sample = 11,
                                  ViewKind kind = ViewKind.Global, int view = 1, RandomPurpose purpose = RandomPurpose.Crop)
    {
        var random = CounterRandom.For(seed, epoch, sample, kind, view, purpose);
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = random.NextDouble();
        return values;
    }

    [Fact]
    public void Same_key_gives_the_same_numbers()
    {
        Assert.Equal(First(16), First(16));
    }

    [Fact]
    public void Every_part_of_the_key_changes_the_numbers()
    {
        var reference = First(4);

        Assert.NotEqual(reference, First(4, seed: 8));
        Assert.NotEqual(reference, First(4, epoch: 4));
        Assert.NotEqual(reference, First(4, sample: 12));
        Assert.NotEqual(reference, First(4, kind: ViewKind.Local));
        Assert.NotEqual(reference, First(4, view: 0));
        Assert.NotEqual(reference, First(4, purpose: RandomPurpose.Flip));
    }

    [Fact]
    public void Numbers_are_uniform_in_the_unit_interval()
    {
        var values = First(20000);

        Assert.All(values, v => Assert.InRange(v, 0.0, 0.9999999999));
        Assert.InRange(values.Average(), 0.49, 0.51);
        Assert.InRange(values.Count(v => v < 0.1), 1800, 2200);
    }

    [Fact]
    public void First_numbers_of_neighbouring_samples_look_independent()
    {
        // Consecutive sample ids are what a batch holds; their first draws must not be correlated.
        var firsts = Enumerable.Range(0, 20000).Select(id => First(1, sample: id)[0]).ToArray();
        var lagCorrelation = Enumerable.Range(0, firsts.Length - 1).Average(i => (firsts[i] - 0.5) * (firsts[i + 1] - 0.5)) * 12;

        Assert.InRange(firsts.Average(), 0.49, 0.51);
        Assert.InRange(lagCorrelation, -0.03, 0.03);
    }
}
