using System.Text.Json.Serialization;
using BamOrleans.Core.Data;

namespace BamOrleans.Data.Shards;

/// <summary>
/// manifest.json of a prepared dataset, its commit point: written after every shard, it lists each
/// shard with the length and SHA-256 the reader must find, and the pixel statistics a run
/// normalises with.
/// </summary>
/// <param name="FormatVersion"><see cref="CurrentFormatVersion"/> of the writer.</param>
/// <param name="Name">The dataset's name (<see cref="DatasetName"/>); equals the folder it sits in.</param>
/// <param name="Source">What it was prepared from (the source dataset's name), for people.</param>
/// <param name="CreatedUtc">When the preparation finished.</param>
/// <param name="ImageCount">Images in all shards together.</param>
/// <param name="Channels">Image shape: channels.</param>
/// <param name="Height">Image shape: rows.</param>
/// <param name="Width">Image shape: columns.</param>
/// <param name="ClassCount">Distinct labels, or null for an unlabelled dataset.</param>
/// <param name="ClassNames">Name of each label when the source knew them, else null.</param>
/// <param name="Mean">Per-channel mean of all pixels on the [0, 1] scale <see cref="PixelNormalizer"/> works on.</param>
/// <param name="Std">Per-channel (population) standard deviation on the same scale.</param>
/// <param name="ImagesPerShard">How many images each shard but the last holds.</param>
/// <param name="Shards">Every shard, in index order.</param>
public sealed record DatasetManifest(
    int FormatVersion,
    string Name,
    string Source,
    DateTime CreatedUtc,
    int ImageCount,
    int Channels,
    int Height,
    int Width,
    int? ClassCount,
    IReadOnlyList<string>? ClassNames,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std,
    int ImagesPerShard,
    IReadOnlyList<ShardEntry> Shards)
{
    public const int CurrentFormatVersion = 1;

    [JsonIgnore]
    public ImageShape Shape => new(Channels, Height, Width);

    /// <summary>Bytes of all shards together.</summary>
    [JsonIgnore]
    public long TotalBytes => Shards.Sum(s => s.Length);

    /// <summary>The normaliser a run on this dataset uses: the dataset's own statistics. A channel
    /// with no spread (every pixel equal) gets a std of one grey level, so the division stays finite.</summary>
    public PixelNormalizer ToNormalizer() => new(
        Mean.Select(m => (float)m).ToArray(),
        Std.Select(s => (float)Math.Max(s, 1.0 / 255)).ToArray());
}

/// <summary>One shard as the manifest records it.</summary>
/// <param name="Blob">File name within the dataset's prefix ("shard-00000.bin").</param>
/// <param name="FirstIndex">Dataset index of the shard's first image.</param>
/// <param name="Count">Images in the shard.</param>
/// <param name="Length">Bytes of the blob.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the blob.</param>
public sealed record ShardEntry(string Blob, int FirstIndex, int Count, long Length, string Sha256);
