using System.Text.Json;
using BamOrleans.Core.Evaluation;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Evaluation;

/// <summary>
/// The C# k-NN against PyTorch running DINO's knn_classifier on the same data
/// (tools/reference/knn_reference.py; its header has the regeneration command). The fixtures were
/// checked there to sit far from any numerical tie, so predictions must agree exactly.
/// </summary>
public sealed class KnnGoldenTests
{
    private sealed record Fixture(
        int K, double Temperature, int ClassCount, int Dim,
        float[][] TrainFeatures, long[] TrainLabels, float[][] TestFeatures, long[] TestLabels,
        long[] ExpectedPredictions, double ExpectedTop1, double ExpectedTop5);

    private static Fixture Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "knn", name + ".json");
        var fixture = JsonSerializer.Deserialize<Fixture>(
            File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        return fixture ?? throw new InvalidDataException($"{path} is empty.");
    }

    private static Tensor Matrix(float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    [Theory]
    [InlineData("dino_k20_t007", 64)]   // several chunks, the last one partial
    [InlineData("dino_k20_t007", 1000)] // one chunk
    [InlineData("k10_t05_c12", 37)]
    public void Predictions_and_accuracies_match_the_PyTorch_reference(string name, int chunkSize)
    {
        var f = Load(name);
        using var scope = NewDisposeScope();
        var trainX = Matrix(f.TrainFeatures);
        var trainY = tensor(f.TrainLabels);
        var testX = Matrix(f.TestFeatures);
        var testY = tensor(f.TestLabels);
        Assert.Equal(f.Dim, trainX.shape[1]);

        using var knn = new KnnClassifier(trainX, trainY, f.ClassCount, new KnnOptions(f.K, f.Temperature, chunkSize));
        var predictions = knn.Predict(testX).data<long>().ToArray();
        var result = knn.Evaluate(testX, testY);

        Assert.Equal(f.ExpectedPredictions, predictions);
        // Python wrote float32 means; the counts behind them are exact.
        Assert.Equal(f.ExpectedTop1, result.Top1Accuracy, 6);
        Assert.Equal(f.ExpectedTop5, result.Top5Accuracy, 6);
        Assert.Equal(f.TestLabels.Length, result.TestCount);
    }

    [Fact]
    public void Fixture_is_not_trivial()
    {
        // Guards the golden test against a regenerated fixture where every rule would agree.
        var f = Load("k10_t05_c12");
        Assert.InRange(f.ExpectedTop1, 0.2, 0.95);
        Assert.True(f.ExpectedTop5 > f.ExpectedTop1, "top-5 should exceed top-1 with 12 classes");
        Assert.True(f.ExpectedPredictions.Distinct().Count() > 5);
    }
}
