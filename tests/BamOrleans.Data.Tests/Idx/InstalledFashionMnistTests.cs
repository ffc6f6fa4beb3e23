using BamOrleans.Data.Idx;

namespace BamOrleans.Data.Tests.Idx;

/// <summary>A fact that runs only where the Debian package dataset-fashion-mnist is installed.</summary>
public sealed class FactWhenFashionMnistInstalledAttribute : FactAttribute
{
    public FactWhenFashionMnistInstalledAttribute()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-labels-idx1-ubyte.gz")))
            Skip = $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} " +
                   "(apt-get install dataset-fashion-mnist to run this test).";
    }
}

public sealed class InstalledFashionMnistTests
{
    [FactWhenFashionMnistInstalled]
    public void Installed_dataset_has_the_published_sizes_and_balanced_classes()
    {
        foreach (var (split, count) in new[] { (FashionMnistSplit.Train, 60000), (FashionMnistSplit.Test, 10000) })
        {
            var dataset = FashionMnist.Load(FashionMnist.DefaultDirectory, split);

            Assert.Equal(count, dataset.Count);
            Assert.Equal(10, dataset.ClassCount);
            Assert.Equal(new Core.Data.ImageShape(1, 28, 28), dataset.Shape);
            var perClass = Enumerable.Range(0, dataset.Count).GroupBy(dataset.Label).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(0, 10), perClass.Keys.Order());
            Assert.All(perClass.Values, n => Assert.Equal(count / 10, n));
        }
    }
}
