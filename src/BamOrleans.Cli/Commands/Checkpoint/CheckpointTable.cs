using System.Globalization;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>The human form of a <see cref="CheckpointInventory"/>: a table of the checkpoints, then
/// one plain line per damaged one with its blob and problem (full names, never wrapped by the table).</summary>
internal static class CheckpointTable
{
    public static void Write(IAnsiConsole console, TextWriter writer, CheckpointInventory inventory)
    {
        writer.WriteLine($"Run {inventory.Run}: {inventory.Checkpoints.Count} checkpoint folder(s) under {inventory.Prefix} in {inventory.Store}");
        writer.Flush();
        if (inventory.Checkpoints.Count == 0) return;
        var table = new Table().AddColumns("step", "epoch", "size", "blobs", "status", "created (UTC)", "");
        foreach (var c in inventory.Checkpoints)
            table.AddRow(new Text(c.Step.ToString(CultureInfo.InvariantCulture)),
                new Text(c.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                new Text(Size(c.Bytes)),
                new Text(c.Blobs.ToString(CultureInfo.InvariantCulture)),
                new Text(c.Status.ToString().ToLowerInvariant()),
                new Text(c.CreatedUtc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-"),
                new Text(c.Latest ? "latest" : ""));
        console.Write(table);
        foreach (var c in inventory.Checkpoints.Where(c => c.Status == CheckpointStatus.Damaged))
            writer.WriteLine($"step {c.Step}: damaged: blob {c.DamagedBlob}: {c.Problem}");
        foreach (var c in inventory.Checkpoints.Where(c => c.Status == CheckpointStatus.Uncommitted))
            writer.WriteLine($"step {c.Step}: uncommitted: no manifest (an upload still running or one that never finished); not a checkpoint");
        writer.WriteLine(inventory.LatestStep is { } latest
            ? $"latest: step {latest} (the checkpoint a restarted run resumes from)"
            : "latest: none (no checkpoint verifies)");
        writer.Flush();
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
    };
}
