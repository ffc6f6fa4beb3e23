using System.Globalization;

namespace BamOrleans.Bench;

/// <summary>Median and worst (largest) of timed repetitions, in seconds.</summary>
internal sealed record Summary(double Median, double Worst, IReadOnlyList<double> Samples)
{
    public static Summary Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to summarise", nameof(samples));
        var sorted = samples.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Summary(median, sorted[^1], samples);
    }
}

/// <summary>One store's uploads: Submit to Flush, timed; the cold first one apart.</summary>
internal sealed record UploadResult(string Backend, string Store, Summary Seconds, double ColdSeconds, long Bytes)
{
    public double MedianMiBPerSecond => Bytes / Seconds.Median / (1 << 20);

    /// <summary>The rate of the slowest upload.</summary>
    public double WorstMiBPerSecond => Bytes / Seconds.Worst / (1 << 20);
}

/// <param name="Bytes">Every blob of one checkpoint, manifest included.</param>
/// <param name="Blobs">Bytes per blob file name.</param>
/// <param name="Interval">Steps between checkpoints in the default run.</param>
internal sealed record CheckpointBenchResult(long Bytes, IReadOnlyDictionary<string, long> Blobs, Summary Step, Summary Stall,
    double ColdStallSeconds, IReadOnlyList<UploadResult> Uploads, int Interval)
{
    /// <summary>Load averages when the run started and ended.</summary>
    public (string? Start, string? End) LoadAverage { get; init; }

    public double StallPerStep(double stall) => stall / Step.Median;

    public double StallPerInterval(double stall) => stall / (Interval * Step.Median);
}

/// <summary>The <c>checkpoint</c> mode's markdown table and JSON.</summary>
internal static class CheckpointReport
{
    public static void Print(CheckpointBenchResult r, BenchArguments a)
    {
        static string Ms(double seconds) => (seconds * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
        static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.001 ? "F4" : "F2", CultureInfo.InvariantCulture) + " %";
        static string Rate(double mibs) => mibs.ToString("F1", CultureInfo.InvariantCulture) + " MiB/s";

        Console.WriteLine();
        Console.WriteLine($"Checkpoint of the default run: {r.Bytes:N0} bytes ({r.Bytes / 1e6:F2} MB, {r.Bytes / 1048576.0:F2} MiB): " +
                          string.Join(", ", r.Blobs.OrderByDescending(b => b.Value).Select(b => $"{b.Key} {b.Value:N0}")));
        Console.WriteLine();
        Console.WriteLine("| measure | median | worst |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| checkpoint size (all blobs, manifest included) | {r.Bytes:N0} B | |");
        Console.WriteLine($"| step time, default config | {Ms(r.Step.Median)} | {Ms(r.Step.Worst)} |");
        Console.WriteLine($"| snapshot = training stall (CheckpointSnapshot.Take) | {Ms(r.Stall.Median)} | {Ms(r.Stall.Worst)} |");
        Console.WriteLine($"| stall / one step | {Percent(r.StallPerStep(r.Stall.Median))} | {Percent(r.StallPerStep(r.Stall.Worst))} |");
        Console.WriteLine($"| stall / {r.Interval} steps (default interval) | {Percent(r.StallPerInterval(r.Stall.Median))} | {Percent(r.StallPerInterval(r.Stall.Worst))} |");
        foreach (var u in r.Uploads)
        {
            Console.WriteLine($"| upload to {u.Backend} (Submit → Flush) | {Ms(u.Seconds.Median)} | {Ms(u.Seconds.Worst)} |");
            Console.WriteLine($"| upload rate to {u.Backend} | {Rate(u.MedianMiBPerSecond)} | {Rate(u.WorstMiBPerSecond)} |");
        }
        Console.WriteLine();
        Console.WriteLine($"cold (first call, not in the table): snapshot {Ms(r.ColdStallSeconds)}, " +
                          string.Join(", ", r.Uploads.Select(u => $"upload to {u.Backend} {Ms(u.ColdSeconds)}")));
        Console.WriteLine($"{a.Reps} snapshots and uploads per store, {r.Step.Samples.Count} timed steps; worst = the slowest (for rates: the rate of the slowest upload); " +
                          "ratios use the median step time");
        Console.WriteLine($"load average (1, 5, 15 min) at start {r.LoadAverage.Start ?? "n/a"}, at end {r.LoadAverage.End ?? "n/a"}, on {Environment.ProcessorCount} cores");
        Console.WriteLine();
    }

    public static object Json(CheckpointBenchResult r, BenchArguments a) => new
    {
        mode = "checkpoint",
        machine = BenchJson.Machine(a.Threads),
        loadAverage = new { start = r.LoadAverage.Start, end = r.LoadAverage.End },
        config = new
        {
            run = "bam local defaults: Fashion-MNIST, batch 128, 2 global + 2 local views, small ResNet, AdamW, no EMA teacher",
            checkpointEvery = r.Interval,
            keepCheckpoints = DefaultRun.KeepCheckpoints,
            warmupSteps = a.Warmup,
            timedSteps = a.Steps,
            reps = a.Reps,
        },
        checkpointBytes = r.Bytes,
        blobBytes = r.Blobs,
        stepSeconds = r.Step,
        snapshotSeconds = r.Stall,
        coldSnapshotSeconds = r.ColdStallSeconds,
        stallPerStep = new { median = r.StallPerStep(r.Stall.Median), worst = r.StallPerStep(r.Stall.Worst) },
        stallPerInterval = new { median = r.StallPerInterval(r.Stall.Median), worst = r.StallPerInterval(r.Stall.Worst) },
        uploads = r.Uploads.Select(u => new
        {
            backend = u.Backend,
            store = u.Store,
            seconds = u.Seconds,
            coldSeconds = u.ColdSeconds,
            medianMiBPerSecond = u.MedianMiBPerSecond,
            worstMiBPerSecond = u.WorstMiBPerSecond,
        }),
    };
}
