using BamOrleans.Core.Data;
using BamOrleans.Storage;

namespace BamOrleans.Data.Shards;

/// <summary>
/// A prepared dataset read from a blob store into memory: every shard is loaded once and checked
/// against the manifest (length, SHA-256, header, labels) before any image is handed out, so a
/// damaged dataset fails at open, naming the blob, never as wrong pixels in training.
/// Safe to read from many threads.
/// </summary>
public sealed class PreparedDataset : IImageDataset
{
    /// <summary>Shards fetched at once: enough to hide a remote store's latency, few enough to leave bandwidth to others.</summary>
    private const int ParallelReads = 4;

    private readonly byte[][] _shards;
    private readonly int[] _firstIndex;
    private readonly int[]? _labels;

    private PreparedDataset(DatasetManifest manifest, byte[][] shards)
    {
        Manifest = manifest;
        _shards = shards;
        _firstIndex = manifest.Shards.Select(s => s.FirstIndex).ToArray();
        if (manifest.ClassCount is not null)
        {
            _labels = new int[manifest.ImageCount];
            for (var s = 0; s < shards.Length; s++)
            {
                var entry = manifest.Shards[s];
                ShardCodec.ReadLabels(shards[s], entry.Count, manifest.Shape, _labels.AsSpan(entry.FirstIndex, entry.Count));
            }
        }
    }

    /// <summary>Reads and verifies the dataset <paramref name="name"/> from <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">The name breaks the <see cref="DatasetName"/> rules.</exception>
    /// <exception cref="InvalidDataException">The manifest is missing or of an unknown version, or a blob is damaged.</exception>
    public static async Task<PreparedDataset> Open(IBlobStore store, string name, CancellationToken cancellation = default)
    {
        var manifest = await DatasetManifestBlob.Read(store, name, cancellation).ConfigureAwait(false);
        var shards = new byte[manifest.Shards.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, shards.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellation },
            async (s, token) =>
            {
                var entry = manifest.Shards[s];
                var blob = PreparedDatasetLayout.Blob(name, entry.Blob);
                var content = await store.Read(blob, token).ConfigureAwait(false);
                if (ShardCodec.Problem(content?.Data, entry, manifest) is { } problem)
                    throw PreparedDatasetError.Create(name, blob, problem, PreparedDatasetProblem.Damaged);
                shards[s] = content!.Data;
            }).ConfigureAwait(false);
        return new PreparedDataset(manifest, shards);
    }

    /// <summary>What manifest.json says: statistics, shards, source.</summary>
    public DatasetManifest Manifest { get; }

    /// <summary>Standardisation with this dataset's own pixel statistics.</summary>
    public PixelNormalizer Normalizer => Manifest.ToNormalizer();

    public string Name => Manifest.Name;
    public int Count => Manifest.ImageCount;
    public ImageShape Shape => Manifest.Shape;
    public int ClassCount => Manifest.ClassCount ?? 0;

    /// <summary>Name of each label, when the source knew them; else empty.</summary>
    public IReadOnlyList<string> ClassNames => Manifest.ClassNames ?? [];

    public int Label(int index) => _labels is null ? -1 : _labels[CheckIndex(index)];

    public void CopyPixels(int index, Span<byte> destination)
    {
        if (destination.Length < Shape.PixelCount)
            throw new ArgumentException($"Destination holds {destination.Length} bytes; one {Shape} image needs {Shape.PixelCount}.", nameof(destination));
        // Shards tile the indices in order (the manifest was checked), so the last shard starting
        // at or before the index holds it.
        var found = Array.BinarySearch(_firstIndex, CheckIndex(index));
        var shard = found >= 0 ? found : ~found - 1;
        ShardCodec.Pixels(_shards[shard], index - _firstIndex[shard], Shape).CopyTo(destination);
    }

    private int CheckIndex(int index) =>
        (uint)index < (uint)Count
            ? index
            : throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} is outside '{Name}' (0..{Count - 1}).");
}
