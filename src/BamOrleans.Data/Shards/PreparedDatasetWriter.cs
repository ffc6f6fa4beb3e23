using System.Security.Cryptography;
using BamOrleans.Core.Data;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Data.Shards;

/// <summary>
/// Prepares a dataset in a blob store: copies any <see cref="IImageDataset"/> into shard blobs under
/// datasets/&lt;name&gt;/, then commits it by writing manifest.json last. Until the manifest is
/// written the new shards are invisible to readers, so a preparation that fails (a bad image, a lost
/// connection) leaves the store as it was, apart from unlisted shards the next preparation deletes.
/// </summary>
public sealed class PreparedDatasetWriter
{
    public const int DefaultImagesPerShard = 10_000;

    private readonly IBlobStore _store;
    private readonly ILogger _log;

    public PreparedDatasetWriter(IBlobStore store, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        _store = store;
        _log = log.ForContext<PreparedDatasetWriter>();
    }

    /// <summary>Writes <paramref name="source"/> as the prepared dataset <paramref name="name"/> and returns its manifest.</summary>
    /// <param name="classNames">The name of each label, when the source knows them (kept for reports).</param>
    /// <param name="replace">Prepare over an existing dataset of that name (which stays readable until
    /// the new one commits); without it, an existing name is refused.</param>
    /// <exception cref="ArgumentException">Bad input (name, shard size, empty source, a taken name):
    /// nothing was written. Or another preparation of the name committed first: this one's shards
    /// stay behind unlisted, for the next preparation to delete.</exception>
    public async Task<DatasetManifest> Write(
        string name, IImageDataset source, int imagesPerShard = DefaultImagesPerShard,
        IReadOnlyList<string>? classNames = null, bool replace = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckInput(name, source, imagesPerShard, classNames);
        var log = _log.ForContext("Dataset", name);
        var manifestBlob = PreparedDatasetLayout.ManifestBlob(name);
        var previous = await _store.GetInfo(manifestBlob, cancellation).ConfigureAwait(false);
        if (previous is not null && !replace)
            throw new ArgumentException(
                $"dataset '{name}' already exists in {_store.Description} ({manifestBlob}): choose another --name, or pass --replace to prepare it again over the old one");

        var preparation = PreparedDatasetLayout.NewPreparationId();
        log.Information("Preparing dataset {Dataset} ({Preparation}) from {Source} in {Store}: {Images} images of {Shape}, {PerShard} per shard",
            name, preparation, source.Name, _store.Description, source.Count, source.Shape.ToString(), imagesPerShard);
        var statistics = new PixelStatistics(source.Shape);
        var shards = new List<ShardEntry>();
        for (var first = 0; first < source.Count; first += imagesPerShard)
        {
            cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(imagesPerShard, source.Count - first);
            var file = PreparedDatasetLayout.ShardFile(shards.Count, preparation);
            shards.Add(await WriteShard(name, file, source, first, count, statistics, cancellation).ConfigureAwait(false));
            log.Information("Wrote shard {Blob}: images {First}..{Last}, {Done}/{Total} images",
                PreparedDatasetLayout.Blob(name, file), first, first + count - 1, first + count, source.Count);
        }

        var manifest = new DatasetManifest(
            DatasetManifest.CurrentFormatVersion, name, source.Name, DateTime.UtcNow, source.Count,
            source.Shape.Channels, source.Shape.Height, source.Shape.Width,
            source.ClassCount > 0 ? source.ClassCount : null, source.ClassCount > 0 ? classNames : null,
            statistics.Mean, statistics.Std, imagesPerShard, shards);
        try
        {
            await DatasetManifestBlob.Write(_store, manifest, previous?.ETag, cancellation).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            throw new ArgumentException(
                $"dataset '{name}' was committed by another preparation while this one ran, in {_store.Description}: " +
                "that one stands; run one preparation per name at a time, and pass --replace to prepare it again");
        }
        log.Information("Prepared dataset {Dataset} in {Store}: {Images} images of {Shape} in {Shards} shards, mean {Mean}, std {Std}",
            name, _store.Description, manifest.ImageCount, manifest.Shape.ToString(), shards.Count, manifest.Mean, manifest.Std);
        await DeleteUnlisted(manifest, log, cancellation).ConfigureAwait(false);
        return manifest;
    }

    private async Task<ShardEntry> WriteShard(
        string name, string file, IImageDataset source, int first, int count, PixelStatistics statistics, CancellationToken cancellation)
    {
        var bytes = ShardCodec.Encode(source, first, count);
        for (var i = 0; i < count; i++) statistics.Add(ShardCodec.Pixels(bytes, i, source.Shape));
        var blob = PreparedDatasetLayout.Blob(name, file);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var written = await _store.Write(blob, new MemoryStream(bytes, writable: false), cancellation: cancellation).ConfigureAwait(false);
        // The store hashes what it stored; another hash means the bytes changed on the way.
        if (written.Sha256 is { } stored && stored != sha)
            throw new IOException($"{_store.Description} stored blob {blob} with SHA-256 {stored}, but the bytes sent hash to {sha}: prepare the dataset again");
        return new ShardEntry(file, first, count, bytes.LongLength, sha);
    }

    private static void CheckInput(string name, IImageDataset source, int imagesPerShard, IReadOnlyList<string>? classNames)
    {
        DatasetName.Validate(name);
        if (imagesPerShard < 1)
            throw new ArgumentException($"images per shard is {imagesPerShard}: give at least 1 (default {DefaultImagesPerShard})");
        if (source.Count == 0)
            throw new ArgumentException($"the source '{source.Name}' has no images: nothing to prepare; check the source path");
        var shardBytes = new ShardHeader(Math.Min(imagesPerShard, source.Count), source.Shape, source.ClassCount > 0).TotalBytes;
        if (shardBytes > ShardCodec.MaxBytes)
            throw new ArgumentException(
                $"{imagesPerShard} images of {source.Shape} make a {shardBytes}-byte shard, over the {ShardCodec.MaxBytes} bytes one shard can hold: " +
                $"give at most {(ShardCodec.MaxBytes - ShardHeader.Length) / (source.Shape.PixelCount + 4)} images per shard");
        if (classNames is not null && source.ClassCount > 0 && classNames.Count != source.ClassCount)
            throw new ArgumentException($"{classNames.Count} class names for the {source.ClassCount} classes of '{source.Name}': give one name per class");
    }

    /// <summary>After the commit: deletes the blobs under the prefix the new manifest does not list
    /// (the replaced dataset's shards, those of interrupted preparations). A failure here costs
    /// space only, so it is logged, not thrown.</summary>
    private async Task DeleteUnlisted(DatasetManifest manifest, ILogger log, CancellationToken cancellation)
    {
        var prefix = PreparedDatasetLayout.Prefix(manifest.Name);
        var keep = manifest.Shards.Select(s => prefix + s.Blob).Append(prefix + PreparedDatasetLayout.ManifestFile).ToHashSet(StringComparer.Ordinal);
        try
        {
            var unlisted = (await _store.List(prefix, cancellation).ConfigureAwait(false)).Where(b => !keep.Contains(b.Name)).ToList();
            foreach (var blob in unlisted)
                await _store.Delete(blob.Name, cancellation: cancellation).ConfigureAwait(false);
            if (unlisted.Count > 0)
                log.Information("Deleted {Count} blobs under {Prefix} that the new manifest does not list", unlisted.Count, prefix);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Warning(e, "Could not delete the unlisted blobs under {Prefix}; they take space but are never read", prefix);
        }
    }
}
