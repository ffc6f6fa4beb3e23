namespace BamOrleans.Data.Idx;

/// <summary>The two published Fashion-MNIST splits: 60000 training and 10000 test images.</summary>
public enum FashionMnistSplit
{
    Train,
    Test,
}
