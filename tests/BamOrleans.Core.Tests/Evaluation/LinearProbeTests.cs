using BamOrleans.Core.Evaluation;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Evaluation;

public sealed class LinearProbeTests
{
    [Fact]
    public void Separable_clusters_are_classified_almost_perfectly()
    {
        using var scope = NewDisposeScope();
        // Centres 12 apart on average against unit noise: linearly separable for all practical purposes.
        // Offset and scaled so standardization has real work to do.
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(2000, 1000, 20, 10, spread: 8f, seed: 21);
        var shift = 50f;
        var scale = 0.01f;

        var result = LinearProbe.Evaluate(
            trainX.mul(scale).add(shift), trainY, testX.mul(scale).add(shift), testY, 10);

        Assert.True(result.TestAccuracy >= 0.99, $"test accuracy {result.TestAccuracy}");
        Assert.True(result.TrainAccuracy >= 0.99, $"train accuracy {result.TrainAccuracy}");
        Assert.True(result.FinalTrainLoss < 0.5, $"final loss {result.FinalTrainLoss}"); // starts at ln 10 ≈ 2.3
        Assert.Equal(new LinearProbeOptions().Epochs, result.Epochs);
    }

    [Fact]
    public void Random_labels_stay_near_chance_on_the_test_split()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.RandomLabels(400, 2000, 32, 5, seed: 8);

        var result = LinearProbe.Evaluate(trainX, trainY, testX, testY, 5);

        // Chance is 0.2; with 2000 test samples its standard error is about 0.009.
        Assert.InRange(result.TestAccuracy, 0.15, 0.26);
        // The probe did fit something: 165 parameters memorise part of 400 random labels.
        Assert.True(result.TrainAccuracy > 0.3, $"train accuracy {result.TrainAccuracy}");
    }

    [Fact]
    public void Same_seed_gives_the_same_bits_whatever_the_global_generator()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(600, 300, 16, 5, spread: 1.5f, seed: 4);
        var options = new LinearProbeOptions(Epochs: 3, BatchSize: 64, Seed: 42);

        random.manual_seed(1);
        var first = LinearProbe.Evaluate(trainX, trainY, testX, testY, 5, options);
        random.manual_seed(2);
        var second = LinearProbe.Evaluate(trainX, trainY, testX, testY, 5, options);
        var otherSeed = LinearProbe.Evaluate(trainX, trainY, testX, testY, 5, options with { Seed = 43 });

        Assert.Equal(BitConverter.DoubleToInt64Bits(first.FinalTrainLoss), BitConverter.DoubleToInt64Bits(second.FinalTrainLoss));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.TestAccuracy), BitConverter.DoubleToInt64Bits(second.TestAccuracy));
        Assert.Equal(first, second);
        // The seed is what decides the batch order: another one gives another trajectory.
        Assert.NotEqual(first.FinalTrainLoss, otherSeed.FinalTrainLoss);
    }

    [Fact]
    public void Constant_dimensions_do_not_break_standardization()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(500, 200, 6, 3, spread: 6f, seed: 2);
        // A dimension that is constant on train but not on test, as a border pixel can be.
        trainX = cat([trainX, zeros(500, 1)], 1);
        testX = cat([testX, full(200, 1, 1000f)], 1);

        var result = LinearProbe.Evaluate(trainX, trainY, testX, testY, 3);

        Assert.True(double.IsFinite(result.FinalTrainLoss));
        Assert.True(result.TestAccuracy >= 0.95, $"test accuracy {result.TestAccuracy}");
    }

    [Fact]
    public void Leaves_no_tensor_behind_and_does_not_touch_inputs()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(200, 100, 8, 4, spread: 2f, seed: 6);
        var copy = trainX.clone();
        var before = scope.DisposablesCount;

        LinearProbe.Evaluate(trainX, trainY, testX, testY, 4, new LinearProbeOptions(Epochs: 2));

        Assert.Equal(before, scope.DisposablesCount);
        Assert.True(trainX.eq(copy).all().item<bool>());
    }

    [Theory]
    [InlineData(0, 256, 1e-2, 1e-4)]
    [InlineData(10, 0, 1e-2, 1e-4)]
    [InlineData(10, 256, 0.0, 1e-4)]
    [InlineData(10, 256, double.PositiveInfinity, 1e-4)]
    [InlineData(10, 256, 1e-2, -1e-4)]
    public void Invalid_options_are_rejected(int epochs, int batchSize, double learningRate, double weightDecay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearProbeOptions(epochs, batchSize, learningRate, weightDecay));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LinearProbeOptions() with { Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate, WeightDecay = weightDecay });
    }

    [Fact]
    public void Mismatched_inputs_are_rejected()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(50, 20, 4, 3, spread: 1f, seed: 1);

        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(trainX, trainY, testX.narrow(1, 0, 3), testY, 3));
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(trainX, trainY, testX, testY, 2)); // labels up to 2
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(trainX, trainY.narrow(0, 0, 10), testX, testY, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe.Evaluate(trainX, trainY, testX, testY, 0));
    }
}
