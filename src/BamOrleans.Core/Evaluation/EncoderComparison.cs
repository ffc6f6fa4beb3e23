using System.Diagnostics;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Core.Evaluation;

/// <summary>Which protocols an <see cref="EncoderComparison"/> runs.</summary>
[Flags]
public enum EvaluationMeasures
{
    Knn = 1,
    LinearProbe = 2,
    Both = Knn | LinearProbe,
}

/// <summary>Accuracy of one representation under both protocols (NaN for a protocol that was not run).</summary>
public sealed record RepresentationScore(string Name, int FeatureDim, double KnnTop1, double LinearProbeTop1, double Seconds);

/// <summary>The trained encoder beside its two baselines, measured the same way.</summary>
public sealed record ComparisonResult(RepresentationScore Trained, RepresentationScore RandomEncoder, RepresentationScore RawPixels)
{
    public IEnumerable<RepresentationScore> All => [Trained, RandomEncoder, RawPixels];
}

/// <summary>
/// Evaluates a trained encoder beside a randomly initialised encoder of the same architecture
/// (the trained one's own starting point) and raw pixels: k-NN and linear probe on each, with the
/// train split as memory / training set and the test split as queries.
/// </summary>
public static class EncoderComparison
{
    private const int ExtractionBatch = 512;

    /// <param name="measures">The protocols to run; the other's accuracy is NaN (`bam eval knn`
    /// and `bam eval linear` run one each).</param>
    public static ComparisonResult Run(Encoder trained, EncoderOptions encoderOptions, long seed,
        IImageDataset train, IImageDataset test, PixelNormalizer normalizer, ILogger log,
        EvaluationMeasures measures = EvaluationMeasures.Both)
    {
        if ((measures & EvaluationMeasures.Both) == 0)
            throw new ArgumentException("no evaluation measure selected: pass Knn, LinearProbe or Both.", nameof(measures));
        using var trainLabels = FeatureExtractor.Labels(train);
        using var testLabels = FeatureExtractor.Labels(test);
        var classes = Math.Max(train.ClassCount, test.ClassCount);

        var trainedScore = Score("trained encoder", trainLabels, testLabels, classes, measures, log,
            () => (Extract(trained, train, normalizer), Extract(trained, test, normalizer)));

        using var random = Encoder.Create(encoderOptions, seed);
        var randomScore = Score("random encoder", trainLabels, testLabels, classes, measures, log,
            () => (Extract(random, train, normalizer), Extract(random, test, normalizer)));

        var pixelScore = Score("raw pixels", trainLabels, testLabels, classes, measures, log,
            () => (FeatureExtractor.RawPixels(train, normalizer), FeatureExtractor.RawPixels(test, normalizer)));

        return new ComparisonResult(trainedScore, randomScore, pixelScore);
    }

    private static Tensor Extract(Encoder encoder, IImageDataset data, PixelNormalizer normalizer)
    {
        encoder.eval();
        try
        {
            return FeatureExtractor.Extract(encoder.Features, data, normalizer, ExtractionBatch);
        }
        finally
        {
            encoder.train();
        }
    }

    private static RepresentationScore Score(string name, Tensor trainLabels, Tensor testLabels, int classes, EvaluationMeasures measures, ILogger log,
        Func<(Tensor Train, Tensor Test)> features)
    {
        var clock = Stopwatch.StartNew();
        var (trainFeatures, testFeatures) = features();
        using (trainFeatures)
        using (testFeatures)
        {
            var knn = measures.HasFlag(EvaluationMeasures.Knn)
                ? KnnClassifier.Evaluate(trainFeatures, trainLabels, testFeatures, testLabels, classes, new KnnOptions()).Top1Accuracy
                : double.NaN;
            var probe = measures.HasFlag(EvaluationMeasures.LinearProbe)
                ? LinearProbe.Evaluate(trainFeatures, trainLabels, testFeatures, testLabels, classes, new LinearProbeOptions()).TestAccuracy
                : double.NaN;
            var score = new RepresentationScore(name, (int)trainFeatures.shape[1], knn, probe, clock.Elapsed.TotalSeconds);
            log.Information("{Representation,-15} k-NN top-1 {Knn:P2}  linear probe {Linear:P2}  ({Dim}-dim, {Seconds:F0} s)",
                name, score.KnnTop1, score.LinearProbeTop1, score.FeatureDim, score.Seconds);
            return score;
        }
    }
}
