using System.Globalization;
using BamOrleans.Data.Shards;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>The human form of a <see cref="DatasetReport"/>: a summary grid, then one row per shard.</summary>
internal static class DatasetView
{
    public static void Write(IAnsiConsole console, DatasetReport report)
    {
        var summary = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => summary.AddRow(new Text(key), new Text(value));
        Row("Dataset", report.Name);
        Row("Store", report.Store);
        Row("Source", report.Source);
        Row("Prepared", report.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Row("Images", $"{report.ImageCount} of {report.Channels}x{report.Height}x{report.Width} (CxHxW)");
        Row("Classes", report.ClassCount is null ? "none (unlabelled)"
            : report.ClassNames is null ? report.ClassCount.Value.ToString(CultureInfo.InvariantCulture)
            : $"{report.ClassCount}: {string.Join(", ", report.ClassNames)}");
        Row("Mean", Numbers(report.Mean));
        Row("Std", Numbers(report.Std));
        Row("Shards", $"{report.Shards.Count} of up to {report.ImagesPerShard} images, {report.Bytes} bytes");
        if (report.Check is { } check)
            Row("Check", (check.Intact ? "intact" : $"DAMAGED ({check.Damaged.Count} of {report.Shards.Count} shards)")
                         + (check.ContentsRead ? ", every shard read and its SHA-256 verified" : ", presence and length only (--verify reads and hashes every shard)"));
        console.Write(summary);

        // Narrow enough for an 80-column pipe: the full hashes are in --json and in manifest.json.
        var shards = new Table()
            .AddColumn(new TableColumn("Blob").NoWrap())
            .AddColumns("Images", "Bytes", "SHA-256", "State");
        var damaged = report.Check?.Damaged.ToDictionary(d => d.Blob, d => d.Problem) ?? [];
        foreach (var shard in report.Shards)
        {
            var state = damaged.ContainsKey(PreparedDatasetLayout.Blob(report.Name, shard.Blob)) ? "DAMAGED"
                : report.Check is null ? "written" : report.Check.ContentsRead ? "verified" : "present";
            shards.AddRow(new Text(shard.Blob), new Text($"{shard.FirstIndex}..{shard.FirstIndex + shard.Count - 1}"),
                new Text(shard.Length.ToString(CultureInfo.InvariantCulture)), new Text(shard.Sha256[..12]), new Text(state));
        }
        console.Write(shards);
        foreach (var (blob, problem) in damaged)
            console.WriteLine($"DAMAGED {blob} {problem}");
    }

    private static string Numbers(IReadOnlyList<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)));
}
