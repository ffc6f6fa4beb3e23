using BamOrleans.Data.Shards;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>What `bam dataset prepare` and `bam dataset info` answer (the --json document): the
/// manifest, where it is, and for info what the check of the shards found.</summary>
/// <param name="Bytes">All shards together.</param>
/// <param name="Check">The shards against the manifest; null after prepare (it just wrote them).</param>
internal sealed record DatasetReport(
    string Name,
    string Store,
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
    long Bytes,
    IReadOnlyList<ShardEntry> Shards,
    DatasetCheck? Check)
{
    public static DatasetReport From(DatasetManifest m, string store, DatasetCheck? check) => new(
        m.Name, store, m.Source, m.CreatedUtc, m.ImageCount, m.Channels, m.Height, m.Width, m.ClassCount, m.ClassNames,
        m.Mean, m.Std, m.ImagesPerShard, m.TotalBytes, m.Shards, check);
}

/// <summary>The shards checked against the manifest.</summary>
/// <param name="ContentsRead">Every shard was read and hashed (--verify); else only presence and length were checked.</param>
/// <param name="Intact">No shard is damaged.</param>
/// <param name="Damaged">Each damaged shard, with what is wrong.</param>
internal sealed record DatasetCheck(bool ContentsRead, bool Intact, IReadOnlyList<ShardDamage> Damaged);
