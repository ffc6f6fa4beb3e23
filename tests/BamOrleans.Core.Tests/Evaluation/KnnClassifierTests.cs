using BamOrleans.Core.Evaluation;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Evaluation;

public sealed class KnnClassifierTests
{
    [Fact]
    public void K1_on_copies_of_the_training_points_is_always_right()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, _, _) = SyntheticFeatures.RandomLabels(120, 1, 8, 4, seed: 11);
        // Scaled copies: cosine similarity ignores length, so each is its own nearest neighbour.
        var testX = trainX.mul(3.5f);

        var result = KnnClassifier.Evaluate(trainX, trainY, testX, trainY, 4, new KnnOptions(K: 1));

        Assert.Equal(1.0, result.Top1Accuracy);
        Assert.Equal(120, result.TestCount);
    }

    /// <summary>
    /// Test point (1, 0). Neighbours: one class-0 point at cosine 1 and two class-1 points at
    /// cosine 0.8. Unweighted, class 1 wins 2 to 1. With T = 0.07 the weights are
    /// exp(1/0.07) ≈ 1.6e6 against 2·exp(0.8/0.07) ≈ 1.8e5, so class 0 wins; with T = 100 the weights
    /// are nearly equal (1.010 against 2·1.008) and the majority wins again.
    /// </summary>
    [Theory]
    [InlineData(0.07, 0L)]
    [InlineData(100.0, 1L)]
    public void Similarity_weighting_can_overturn_the_majority(double temperature, long expected)
    {
        using var scope = NewDisposeScope();
        var trainX = tensor(new[] { 1f, 0f, 0.8f, 0.6f, 0.8f, -0.6f }, [3, 2]);
        var trainY = tensor(new long[] { 0, 1, 1 });
        var testX = tensor(new[] { 2f, 0f }, [1, 2]);

        using var knn = new KnnClassifier(trainX, trainY, 2, new KnnOptions(K: 3, Temperature: temperature));
        var prediction = knn.Predict(testX);

        Assert.Equal(expected, prediction[0].item<long>());
    }

    [Fact]
    public void Only_the_K_nearest_vote()
    {
        using var scope = NewDisposeScope();
        // Same geometry as above: with K = 1 only the class-0 point votes, even at a huge temperature.
        var trainX = tensor(new[] { 1f, 0f, 0.8f, 0.6f, 0.8f, -0.6f }, [3, 2]);
        var trainY = tensor(new long[] { 0, 1, 1 });
        var testX = tensor(new[] { 1f, 0f }, [1, 2]);

        using var knn = new KnnClassifier(trainX, trainY, 2, new KnnOptions(K: 1, Temperature: 100));

        Assert.Equal(0L, knn.Predict(testX)[0].item<long>());
    }

    [Fact]
    public void Tie_goes_to_the_lowest_class_index()
    {
        using var scope = NewDisposeScope();
        // Two neighbours at the same cosine, one per class: equal scores, argmax picks class 0.
        var trainX = tensor(new[] { 0.8f, 0.6f, 0.8f, -0.6f }, [2, 2]);
        var trainY = tensor(new long[] { 1, 0 });
        var testX = tensor(new[] { 1f, 0f }, [1, 2]);

        using var knn = new KnnClassifier(trainX, trainY, 2, new KnnOptions(K: 2));

        Assert.Equal(0L, knn.Predict(testX)[0].item<long>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Chunked_predictions_equal_unchunked(int chunkSize)
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(300, 150, 12, 6, spread: 1.5f, seed: 3);

        using var whole = new KnnClassifier(trainX, trainY, 6, new KnnOptions(ChunkSize: 150));
        using var chunked = new KnnClassifier(trainX, trainY, 6, new KnnOptions(ChunkSize: chunkSize));

        Assert.Equal(whole.Predict(testX).data<long>().ToArray(), chunked.Predict(testX).data<long>().ToArray());
        Assert.Equal(whole.Evaluate(testX, testY), chunked.Evaluate(testX, testY));
    }

    [Fact]
    public void Clustered_features_beat_chance_and_top5_is_at_least_top1()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = SyntheticFeatures.Clusters(400, 200, 16, 10, spread: 3f, seed: 5);

        var result = KnnClassifier.Evaluate(trainX, trainY, testX, testY, 10);

        Assert.True(result.Top1Accuracy > 0.6, $"top-1 {result.Top1Accuracy}");
        Assert.True(result.Top5Accuracy >= result.Top1Accuracy);
        Assert.Equal(20, result.K);
        Assert.Equal(0.07, result.Temperature);
    }

    [Fact]
    public void Top5_counts_a_label_ranked_below_first()
    {
        using var scope = NewDisposeScope();
        // Neighbours: two of class 2 (nearest), one of class 1. Label 1 is second: top-1 miss, top-5 hit.
        var trainX = tensor(new[] { 1f, 0.01f, 1f, -0.01f, 0.8f, 0.6f }, [3, 2]);
        var trainY = tensor(new long[] { 2, 2, 1 });
        var testX = tensor(new[] { 1f, 0f }, [1, 2]);
        var testY = tensor(new long[] { 1 });

        var result = KnnClassifier.Evaluate(trainX, trainY, testX, testY, 8, new KnnOptions(K: 3));

        Assert.Equal(0.0, result.Top1Accuracy);
        Assert.Equal(1.0, result.Top5Accuracy);
    }

    [Fact]
    public void Top5_misses_a_label_without_votes()
    {
        using var scope = NewDisposeScope();
        var trainX = tensor(new[] { 1f, 0f, 0f, 1f }, [2, 2]);
        var trainY = tensor(new long[] { 0, 1 });
        var testX = tensor(new[] { 1f, 0.1f }, [1, 2]);
        var testY = tensor(new long[] { 2 }); // no neighbour of class 2, though only 3 classes exist

        var result = KnnClassifier.Evaluate(trainX, trainY, testX, testY, 3, new KnnOptions(K: 2));

        Assert.Equal(0.0, result.Top5Accuracy);
    }

    [Fact]
    public void Predict_keeps_no_intermediate_alive()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, _) = SyntheticFeatures.Clusters(100, 50, 4, 3, spread: 1f, seed: 9);
        using var knn = new KnnClassifier(trainX, trainY, 3, new KnnOptions(ChunkSize: 8));
        var before = scope.DisposablesCount;

        var predictions = knn.Predict(testX);

        Assert.Equal(before + 1, scope.DisposablesCount); // the predictions, nothing else
        Assert.Equal(ScalarType.Int64, predictions.dtype);
        Assert.Equal(new long[] { 50 }, predictions.shape);
    }

    [Fact]
    public void Caller_tensors_are_not_modified_or_owned()
    {
        using var scope = NewDisposeScope();
        var (trainX, trainY, _, _) = SyntheticFeatures.Clusters(30, 1, 4, 3, spread: 1f, seed: 1);
        var copy = trainX.clone();

        using (new KnnClassifier(trainX, trainY, 3, new KnnOptions(K: 5))) { }

        Assert.True(trainX.eq(copy).all().item<bool>(), "training features were normalized in place");
    }

    [Theory]
    [InlineData(0, 0.07, 10)]
    [InlineData(5, 0.0, 10)]
    [InlineData(5, -1.0, 10)]
    [InlineData(5, double.NaN, 10)]
    [InlineData(5, 0.07, 0)]
    public void Invalid_options_are_rejected(int k, double temperature, int chunkSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KnnOptions(k, temperature, chunkSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KnnOptions() with { K = k, Temperature = temperature, ChunkSize = chunkSize });
    }

    [Fact]
    public void K_larger_than_the_training_set_is_rejected()
    {
        using var scope = NewDisposeScope();
        var trainX = randn(10, 3);
        var trainY = zeros(10, ScalarType.Int64);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new KnnClassifier(trainX, trainY, 2));
        Assert.Contains("K = 20", error.Message);
        Assert.Contains("10 training samples", error.Message);
    }

    [Fact]
    public void Bad_labels_and_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        var trainX = randn(30, 3);
        var trainY = zeros(30, ScalarType.Int64);

        Assert.Throws<ArgumentException>(() => new KnnClassifier(trainX, trainY.add(5), 3));          // label ≥ classes
        Assert.Throws<ArgumentException>(() => new KnnClassifier(trainX, trainY.narrow(0, 0, 29), 3)); // count
        Assert.Throws<ArgumentException>(() => new KnnClassifier(trainX, trainY.to(ScalarType.Int32), 3));
        Assert.Throws<ArgumentException>(() => new KnnClassifier(trainX.flatten(), trainY, 3));
        using var knn = new KnnClassifier(trainX, trainY, 3, new KnnOptions(K: 5));
        Assert.Throws<ArgumentException>(() => knn.Predict(randn(4, 5)));
    }
}
