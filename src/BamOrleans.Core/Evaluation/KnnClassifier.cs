using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace BamOrleans.Core.Evaluation;

/// <summary>
/// Weighted k-nearest-neighbour classifier on frozen features, as in DINO's and BAM's eval_knn:
/// the standard "does the embedding cluster by class" measure for self-supervised encoders.
/// </summary>
/// <remarks>
/// <para>For each test sample: cosine similarity to every training sample (features are
/// L2-normalized here, so callers pass raw features), the K most similar neighbours, each voting
/// for its class with weight exp(similarity / T), and the prediction is the class with the largest
/// summed vote.</para>
/// <para>Ties: the prediction is <c>argmax</c> of the class scores, which picks the lowest class
/// index among equal maxima. DINO sorts the scores instead, whose order among equal values is
/// unspecified; with continuous features exact ties essentially only happen between classes with
/// no vote at all, which never win.</para>
/// <para>The similarity matrix is computed <see cref="KnnOptions.ChunkSize"/> test rows at a time,
/// each chunk in its own dispose scope, so 10k × 60k similarities never exist at once.</para>
/// <para>Work happens on the device of the training features; predictions come back on the CPU.</para>
/// </remarks>
public sealed class KnnClassifier : IDisposable
{
    private readonly Tensor _trainFeatures; // L2-normalized, float32, [Ntrain, D]
    private readonly Tensor _trainLabels;   // int64 [Ntrain], same device as _trainFeatures

    /// <param name="trainFeatures">Training ("memory bank") features [Ntrain, D], any scale.</param>
    /// <param name="trainLabels">int64 [Ntrain], values in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="options">Null for DINO's defaults.</param>
    public KnnClassifier(Tensor trainFeatures, Tensor trainLabels, int classCount, KnnOptions? options = null)
    {
        EvaluationGuards.RequireClassCount(classCount);
        EvaluationGuards.RequireFeatures(trainFeatures, nameof(trainFeatures));
        EvaluationGuards.RequireLabels(trainLabels, trainFeatures.shape[0], classCount, nameof(trainLabels));
        Options = options ?? new KnnOptions();
        if (Options.K > trainFeatures.shape[0])
            throw new ArgumentOutOfRangeException(
                nameof(options), Options.K, $"k-NN asks for K = {Options.K} neighbours but there are only {trainFeatures.shape[0]} training samples.");

        ClassCount = classCount;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Normalized once: every test chunk reuses it. Copies, so the caller's tensors stay theirs.
        _trainFeatures = F.normalize(trainFeatures.to(ScalarType.Float32), p: 2, dim: 1).MoveToOuterDisposeScope();
        _trainLabels = trainLabels.to(trainFeatures.device).clone().MoveToOuterDisposeScope();
    }

    public KnnOptions Options { get; }

    public int ClassCount { get; }

    public long TrainCount => _trainFeatures.shape[0];

    public long FeatureDimension => _trainFeatures.shape[1];

    /// <summary>Predicted class of every test sample: int64 [Ntest] on the CPU.</summary>
    public Tensor Predict(Tensor testFeatures)
    {
        CheckTestFeatures(testFeatures);
        return Classify(testFeatures, testLabels: null, out _);
    }

    /// <summary>Top-1 and top-5 accuracy on labelled test features.</summary>
    public KnnResult Evaluate(Tensor testFeatures, Tensor testLabels)
    {
        CheckTestFeatures(testFeatures);
        var testCount = testFeatures.shape[0];
        EvaluationGuards.RequireLabels(testLabels, testCount, ClassCount, nameof(testLabels));

        using var scope = NewDisposeScope();
        var predictions = Classify(testFeatures, testLabels, out var top5Correct);
        var top1Correct = predictions.eq(testLabels.cpu()).sum().item<long>();
        return new KnnResult(
            Top1Accuracy: (double)top1Correct / testCount,
            Top5Accuracy: (double)top5Correct / testCount,
            TestCount: checked((int)testCount),
            K: Options.K,
            Temperature: Options.Temperature);
    }

    /// <summary>One-shot convenience: builds a classifier, evaluates, disposes it.</summary>
    public static KnnResult Evaluate(
        Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures, Tensor testLabels, int classCount,
        KnnOptions? options = null)
    {
        using var knn = new KnnClassifier(trainFeatures, trainLabels, classCount, options);
        return knn.Evaluate(testFeatures, testLabels);
    }

    public void Dispose()
    {
        _trainFeatures.Dispose();
        _trainLabels.Dispose();
    }

    private void CheckTestFeatures(Tensor testFeatures)
    {
        EvaluationGuards.RequireFeatures(testFeatures, nameof(testFeatures));
        if (testFeatures.shape[1] != FeatureDimension)
            throw new ArgumentException(
                $"testFeatures have {testFeatures.shape[1]} dimensions but the training features have {FeatureDimension}.",
                nameof(testFeatures));
    }

    /// <summary>Predictions for every test row, chunk by chunk; counts top-5 hits when labels are given.</summary>
    private Tensor Classify(Tensor testFeatures, Tensor? testLabels, out long top5Correct)
    {
        using var noGrad = no_grad();
        var testCount = testFeatures.shape[0];
        var device = _trainFeatures.device;
        var predictions = zeros(testCount, ScalarType.Int64); // CPU; the one tensor handed out
        top5Correct = 0;
        try
        {
            for (long start = 0; start < testCount; start += Options.ChunkSize)
            {
                var size = Math.Min(Options.ChunkSize, testCount - start);
                using var scope = NewDisposeScope();
                var chunk = testFeatures.narrow(0, start, size).to(ScalarType.Float32).to(device);
                var scores = ClassScores(F.normalize(chunk, p: 2, dim: 1));
                predictions.narrow(0, start, size).copy_(scores.argmax(1));
                if (testLabels is not null)
                    top5Correct += CountTop5(scores, testLabels.narrow(0, start, size).to(device));
            }
            return predictions;
        }
        catch
        {
            predictions.Dispose();
            throw;
        }
    }

    /// <summary>Summed neighbour votes per class, [chunk, ClassCount], for normalized test rows.</summary>
    private Tensor ClassScores(Tensor normalizedChunk)
    {
        // Cosine similarity of unit vectors; [chunk, Ntrain] is the largest block ever held.
        var similarity = normalizedChunk.mm(_trainFeatures.t());
        var (neighbourSimilarity, neighbourIndex) = similarity.topk(Options.K, dim: 1, largest: true, sorted: true);
        var neighbourLabels = _trainLabels.take(neighbourIndex);                  // [chunk, K]
        var weights = neighbourSimilarity.div(Options.Temperature).exp_();       // [chunk, K]
        return zeros(normalizedChunk.shape[0], ClassCount, ScalarType.Float32, device: normalizedChunk.device)
            .scatter_add_(1, neighbourLabels, weights);
    }

    /// <summary>
    /// Top-5 hits: the label got a positive vote and fewer than 5 classes score strictly higher.
    /// Counting strictly-higher classes, rather than sorting, keeps zero-vote ties from deciding.
    /// </summary>
    private static long CountTop5(Tensor scores, Tensor labels)
    {
        var labelScore = scores.gather(1, labels.unsqueeze(1));              // [chunk, 1]
        var higher = scores.gt(labelScore).sum(1);                           // [chunk]
        return labelScore.squeeze(1).gt(0).logical_and(higher.lt(5)).sum().item<long>();
    }
}
