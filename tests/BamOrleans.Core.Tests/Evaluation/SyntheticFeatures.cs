using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Evaluation;

/// <summary>Seeded synthetic feature sets for the evaluation tests (never the global RNG).</summary>
internal static class SyntheticFeatures
{
    /// <summary>
    /// Gaussian clusters: class centres on a sphere of radius <paramref name="spread"/>, unit noise.
    /// Train and test come from the same centres.
    /// </summary>
    public static (Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY) Clusters(
        int trainCount, int testCount, int dimension, int classCount, float spread, ulong seed)
    {
        using var generator = new Generator(seed);
        var centres = nn.functional.normalize(randn(classCount, dimension, generator: generator), p: 2, dim: 1).mul_(spread);
        (Tensor X, Tensor Y) Draw(int n)
        {
            var y = randint(0, classCount, [n], dtype: ScalarType.Int64, generator: generator);
            var x = centres.index_select(0, y).add_(randn(n, dimension, generator: generator));
            return (x, y);
        }
        var (trainX, trainY) = Draw(trainCount);
        var (testX, testY) = Draw(testCount);
        return (trainX, trainY, testX, testY);
    }

    /// <summary>Pure noise features with labels drawn independently of them.</summary>
    public static (Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY) RandomLabels(
        int trainCount, int testCount, int dimension, int classCount, ulong seed)
    {
        using var generator = new Generator(seed);
        return (
            randn(trainCount, dimension, generator: generator),
            randint(0, classCount, [trainCount], dtype: ScalarType.Int64, generator: generator),
            randn(testCount, dimension, generator: generator),
            randint(0, classCount, [testCount], dtype: ScalarType.Int64, generator: generator));
    }
}
