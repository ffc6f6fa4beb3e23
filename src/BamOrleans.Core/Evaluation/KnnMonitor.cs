using System.Diagnostics;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Randomness;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Core.Evaluation;

/// <summary>Sizes and seed of a <see cref="KnnMonitor"/>'s fixed subsets.</summary>
/// <param name="MemorySize">Labelled images whose features vote (the k-NN memory bank).</param>
/// <param name="QuerySize">Labelled images classified by them.</param>
/// <param name="Seed">Chooses the subsets; the same seed and datasets give the same images, on
/// every machine and .NET version (SplitMix64, not System.Random).</param>
/// <param name="BatchSize">Images per forward pass while extracting features.</param>
public sealed record KnnMonitorOptions(int MemorySize = 5_000, int QuerySize = 1_000, long Seed = 0, int BatchSize = 512);

/// <summary>
/// Online k-NN monitoring (DESIGN §7): the weighted k-NN top-1 (k = 20, T = 0.07, as
/// <see cref="KnnClassifier"/>) of an encoder on a small fixed labelled subset — by default 5,000
/// memory and 1,000 query images, about 8% of a full Fashion-MNIST evaluation — cheap enough to
/// run every few hundred steps while a run trains. The subsets are drawn once, so successive
/// measurements differ only by the encoder, and a curve of them shows learning (or collapse).
/// </summary>
/// <remarks>
/// Memory and queries come from two datasets (the train split and the held-out test split); given
/// the same dataset twice, they are drawn disjoint, so no query finds itself in the memory bank.
/// The monitor keeps only the chosen indices and the labels; features are extracted fresh at each
/// measurement and freed before it returns.
/// </remarks>
public sealed class KnnMonitor : IDisposable
{
    private readonly IImageDataset _memory;
    private readonly IImageDataset _queries;
    private readonly PixelNormalizer _normalizer;
    private readonly Tensor _memoryLabels;
    private readonly Tensor _queryLabels;
    private readonly ILogger _log;

    /// <param name="memorySource">Labelled images the memory subset is drawn from (the train split).</param>
    /// <param name="querySource">Labelled images the query subset is drawn from (the test split); may be
    /// <paramref name="memorySource"/> itself, and then the subsets are disjoint.</param>
    /// <param name="normalizer">The pixel normalization the encoder trains with.</param>
    /// <param name="options">Null for the defaults.</param>
    /// <param name="knn">Null for the k-NN defaults (k = 20, T = 0.07).</param>
    /// <exception cref="ArgumentException">A subset is larger than its source, or a source is unlabelled.</exception>
    public KnnMonitor(IImageDataset memorySource, IImageDataset querySource, PixelNormalizer normalizer,
        KnnMonitorOptions? options = null, KnnOptions? knn = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(memorySource);
        ArgumentNullException.ThrowIfNull(querySource);
        ArgumentNullException.ThrowIfNull(normalizer);
        Options = options ?? new KnnMonitorOptions();
        Knn = knn ?? new KnnOptions();
        _log = (log ?? Serilog.Log.Logger).ForContext<KnnMonitor>();
        foreach (var (name, value) in new[] { ("MemorySize", Options.MemorySize), ("QuerySize", Options.QuerySize), ("BatchSize", Options.BatchSize) })
            if (value < 1)
                throw new ArgumentException($"KnnMonitorOptions.{name} is {value}: use a positive number of images.", nameof(options));
        if (Knn.K > Options.MemorySize)
            throw new ArgumentException($"the k-NN monitor's memory of {Options.MemorySize} images is smaller than K = {Knn.K}: use a memory size ≥ K.", nameof(options));

        // From one source the two subsets are two slices of one shuffle, hence disjoint; from two
        // sources each has its own shuffle, seeded apart so they do not share a pattern of indices.
        var shared = ReferenceEquals(memorySource, querySource);
        var memoryDraw = shared ? (long)Options.MemorySize + Options.QuerySize : Options.MemorySize;
        RequireSize(memorySource, memoryDraw, shared ? "memory and query subsets together" : "memory subset");
        if (!shared) RequireSize(querySource, Options.QuerySize, "query subset");
        var memoryOrder = PartialShuffle(memorySource.Count, (int)memoryDraw, Options.Seed); // ≤ Count, checked above
        MemoryIndices = memoryOrder[..Options.MemorySize];
        QueryIndices = shared
            ? memoryOrder[Options.MemorySize..]
            : PartialShuffle(querySource.Count, Options.QuerySize, Options.Seed ^ unchecked((long)SplitMix64.Golden));

        _memory = new IndexedImageSubset(memorySource, MemoryIndices, "k-NN monitor memory");
        _queries = new IndexedImageSubset(querySource, QueryIndices, "k-NN monitor queries");
        _normalizer = normalizer;
        ClassCount = Math.Max(memorySource.ClassCount, querySource.ClassCount);
        _memoryLabels = FeatureExtractor.Labels(_memory);
        _queryLabels = FeatureExtractor.Labels(_queries);
    }

    public KnnMonitorOptions Options { get; }

    public KnnOptions Knn { get; }

    public int ClassCount { get; }

    /// <summary>Indices into the memory source, in the order their features are stacked.</summary>
    public int[] MemoryIndices { get; }

    /// <summary>Indices into the query source, in the order they are classified.</summary>
    public int[] QueryIndices { get; }

    /// <summary>
    /// k-NN accuracy of <paramref name="encoder"/>'s pooled features on the fixed subsets, with
    /// gradients off and the encoder in eval mode (restored to its previous mode afterwards).
    /// </summary>
    public KnnResult Measure(Encoder encoder, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var clock = Stopwatch.StartNew();
        var wasTraining = encoder.training;
        encoder.eval();
        try
        {
            using var scope = NewDisposeScope();
            var memory = FeatureExtractor.Extract(encoder.Features, _memory, _normalizer, Options.BatchSize);
            var queries = FeatureExtractor.Extract(encoder.Features, _queries, _normalizer, Options.BatchSize);
            var result = KnnClassifier.Evaluate(memory, _memoryLabels, queries, _queryLabels, ClassCount, Knn);
            _log.Information("k-NN monitor at step {Step}: top-1 {Top1:P2} on {Queries} queries against {Memory} memory images ({Seconds:F1} s)",
                step, result.Top1Accuracy, QueryIndices.Length, MemoryIndices.Length, clock.Elapsed.TotalSeconds);
            return result;
        }
        finally
        {
            encoder.train(wasTraining);
        }
    }

    public void Dispose()
    {
        _memoryLabels.Dispose();
        _queryLabels.Dispose();
    }

    private static void RequireSize(IImageDataset source, long size, string what)
    {
        if (source.ClassCount == 0)
            throw new ArgumentException($"the k-NN monitor needs labelled images but '{source.Name}' is unlabelled: give a labelled split (e.g. Fashion-MNIST's).");
        if (size > source.Count)
            throw new ArgumentException($"the k-NN monitor's {what} needs {size} images but '{source.Name}' has {source.Count}: choose smaller sizes in KnnMonitorOptions.");
    }

    /// <summary>The first <paramref name="take"/> entries of a Fisher–Yates shuffle of 0..count−1.</summary>
    private static int[] PartialShuffle(int count, int take, long seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(unchecked((ulong)seed));
        for (var i = 0; i < take; i++)
        {
            var j = i + (int)random.NextBelow((ulong)(count - i));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[..take];
    }

    /// <summary>The chosen images of a dataset, as a dataset of their own (no pixels copied).</summary>
    private sealed class IndexedImageSubset(IImageDataset source, int[] indices, string name) : IImageDataset
    {
        public string Name { get; } = $"{name} ({source.Name})";
        public int Count => indices.Length;
        public ImageShape Shape => source.Shape;
        public int ClassCount => source.ClassCount;
        public int Label(int index) => source.Label(indices[index]);
        public void CopyPixels(int index, Span<byte> destination) => source.CopyPixels(indices[index], destination);
    }
}
