using System.Diagnostics;
using System.Reflection;
using BamOrleans.Checkpoints;
using BamOrleans.Core.Data;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;
using BamOrleans.Data.Idx;
using BamOrleans.Storage;
using BamOrleans.Tests.Shared;
using Serilog;
using Serilog.Events;
using static TorchSharp.torch;

namespace BamOrleans.Bench;

/// <summary>
/// What one checkpoint of the default run (<see cref="DefaultRun"/>: `bam local` with no options)
/// costs, measured in one run for the closing note: its size (every blob, manifest
/// included); the training stall, i.e. <see cref="CheckpointSnapshot.Take"/> on a trained
/// trainer, the only part training waits for; the background upload from
/// <see cref="CheckpointWriter.Submit"/> until <see cref="CheckpointWriter.Flush"/> completes, to a
/// local folder (the default's store) and to Azure Blob Storage (a real Azurite started here and
/// killed by process id at the end); and the default step time, to put the stall in proportion:
/// per step, and per default interval of <see cref="DefaultRun.CheckpointEvery"/> steps.
/// </summary>
/// <remarks>
/// Snapshots and uploads repeat <c>--reps</c> times after one untimed (cold: first-call JIT,
/// connections) round, which is reported apart. Every snapshot follows a real training step, as
/// in a run. Folder and Azurite rounds alternate, swapping which goes first each round, so a burst
/// of load on this shared machine hits both alike. Upload time covers serialization, SHA-256,
/// every write and pruning to the default 3 kept checkpoints, with training paused: it is the
/// store's speed alone (in a run it overlaps training). The step time is the single-process
/// trainer's; the default trains on 2 in-process silos whose step is longer, so the stall
/// fractions here are upper bounds.
/// </remarks>
internal static class CheckpointBenchmark
{
    private const string Prefix = "runs/bench/checkpoints";

    public static int Run(BenchArguments a)
    {
        set_num_threads(a.Threads);
        using var log = new LoggerConfiguration()
            .MinimumLevel.Information()
            // The writer logs every checkpoint; only its warnings and errors matter here.
            .MinimumLevel.Override(typeof(CheckpointWriter).Namespace!, LogEventLevel.Warning)
            .MinimumLevel.Override(typeof(SingleProcessTrainer).Namespace!, LogEventLevel.Warning)
            .WriteTo.Console()
            .CreateLogger();
        var data = FashionMnist.Load(a.Data, FashionMnistSplit.Train);
        var config = DefaultRun.Config();
        var loadAtStart = LoadAverage();
        log.Information("Checkpoint cost of the default run: {Warmup} warm-up + {Steps} timed steps of {Batch} images × {Views} views, " +
                        "{Reps} snapshots and uploads per store, {Threads} threads", a.Warmup, a.Steps, config.GlobalBatch, config.Objective.Views,
            a.Reps, a.Threads);

        using var trainer = new SingleProcessTrainer(config, data, PixelNormalizer.FashionMnist, log);
        var steps = StepTimes(trainer, a.Warmup, a.Steps);
        log.Information("Step time: median {MedianMs:F1} ms over {Count} steps", steps.Median * 1000, steps.Samples.Count);
        var (snapshots, stall, coldStall) = Snapshots(trainer, config, a);
        log.Information("Snapshot (training stall): median {MedianMs:F2} ms, worst {WorstMs:F2} ms; cold {ColdMs:F2} ms",
            stall.Median * 1000, stall.Worst * 1000, coldStall * 1000);

        var uploads = Uploads(snapshots, log).GetAwaiter().GetResult();
        var result = new CheckpointBenchResult(uploads.Bytes, uploads.Blobs, steps, stall, coldStall, uploads.Backends, DefaultRun.CheckpointEvery)
        {
            LoadAverage = (loadAtStart, LoadAverage()),
        };
        CheckpointReport.Print(result, a);
        BenchJson.Write(a.Out, CheckpointReport.Json(result, a));
        return 0;
    }

    private static Summary StepTimes(SingleProcessTrainer trainer, int warmup, int steps)
    {
        for (var i = 0; i < warmup; i++) trainer.Step();
        return Summary.Of(Enumerable.Range(0, steps).Select(_ => trainer.Step().Seconds).ToArray());
    }

    /// <summary>One cold snapshot, then one per rep, each right after a training step.</summary>
    private static (List<CheckpointSnapshot> Snapshots, Summary Stall, double Cold) Snapshots(SingleProcessTrainer trainer,
        TrainingConfig config, BenchArguments a)
    {
        var optimizer = OptimizerOf(trainer);
        var runDefinition = DefaultRun.RunDefinitionDocument(config, a.Data);
        (CheckpointSnapshot Snapshot, double Seconds) Take()
        {
            var step = trainer.NextStep;
            var dataState = DefaultRun.DataState(step, trainer.StepsPerEpoch);
            var clock = Stopwatch.StartNew();
            var snapshot = CheckpointSnapshot.Take(step, (int)(step / trainer.StepsPerEpoch), trainer.Model, trainer.Teacher, optimizer,
                runDefinition, dataState);
            return (snapshot, clock.Elapsed.TotalSeconds);
        }

        var cold = Take();
        var snapshots = new List<CheckpointSnapshot> { cold.Snapshot };
        var seconds = new List<double>();
        for (var rep = 0; rep < a.Reps; rep++)
        {
            trainer.Step();
            var (snapshot, taken) = Take();
            snapshots.Add(snapshot);
            seconds.Add(taken);
        }
        return (snapshots, Summary.Of(seconds), cold.Seconds);
    }

    private sealed record UploadRun(long Bytes, IReadOnlyDictionary<string, long> Blobs, IReadOnlyList<UploadResult> Backends);

    /// <summary>Uploads snapshots[0] untimed to each store, then each further one to both, alternating order.</summary>
    private static async Task<UploadRun> Uploads(IReadOnlyList<CheckpointSnapshot> snapshots, Serilog.ILogger log)
    {
        var folder = Directory.CreateTempSubdirectory("bam-bench-checkpoint-");
        try
        {
            // Disposing it kills Azurite by its process id and deletes its data.
            using var azurite = await AzuriteServer.Start(TimeSpan.FromSeconds(60));
            log.Information("Azurite started on port {Port} (pid {Pid})", azurite.Port, azurite.Process.Id);
            var azure = new AzureBlobStore(azurite.ConnectionString, "bench-checkpoints");
            var local = new LocalFolderBlobStore(folder.FullName);
            await using var folderTarget = await Target.Open("folder", local, log);
            await using var azuriteTarget = await Target.Open("Azurite", azure, log);
            Target[] targets = [folderTarget, azuriteTarget];

            foreach (var target in targets) target.Cold = await target.Upload(snapshots[0]);
            for (var rep = 1; rep < snapshots.Count; rep++)
            {
                Target[] order = rep % 2 == 1 ? [folderTarget, azuriteTarget] : [azuriteTarget, folderTarget];
                foreach (var target in order)
                    target.Seconds.Add(await target.Upload(snapshots[rep]));
                log.Information("Upload round {Round}: folder {FolderMs:F1} ms, Azurite {AzuriteMs:F1} ms",
                    rep, folderTarget.Seconds[^1] * 1000, azuriteTarget.Seconds[^1] * 1000);
            }

            // The size is what the stores hold for one checkpoint, checked against the writer's own count.
            var blobs = await folderTarget.Blobs(snapshots[^1].NextStep);
            var bytes = blobs.Values.Sum();
            foreach (var target in targets)
            {
                var written = target.Writer.Completed[^1].Bytes;
                var stored = (await target.Blobs(snapshots[^1].NextStep)).Values.Sum();
                if (written != bytes || stored != bytes)
                    throw new InvalidOperationException($"{target.Name}: the writer counted {written} bytes and the store holds {stored}, the folder {bytes}");
            }
            return new UploadRun(bytes, blobs, targets.Select(t => new UploadResult(t.Name, t.Store.Description, Summary.Of(t.Seconds), t.Cold, bytes)).ToArray());
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (IOException e) { log.Warning("Could not delete {Folder}: {Reason}", folder.FullName, e.Message); }
        }
    }

    /// <summary>A store and the one writer a run keeps for it; times each checkpoint from Submit to Flush.</summary>
    private sealed class Target(string name, IBlobStore store, CheckpointWriter writer) : IAsyncDisposable
    {
        public string Name => name;
        public IBlobStore Store => store;
        public CheckpointWriter Writer => writer;
        public List<double> Seconds { get; } = [];
        public double Cold { get; set; }

        public static async Task<Target> Open(string name, IBlobStore store, Serilog.ILogger log)
        {
            await store.EnsureReady();
            return new Target(name, store, new CheckpointWriter(store, Prefix, DefaultRun.KeepCheckpoints, log));
        }

        public async Task<double> Upload(CheckpointSnapshot snapshot)
        {
            var clock = Stopwatch.StartNew();
            writer.Submit(snapshot);
            await writer.Flush();
            var seconds = clock.Elapsed.TotalSeconds;
            if (writer.Failed.Count > 0)
                throw new InvalidOperationException($"{name}: checkpoint {writer.Failed[^1].Step} was not written: {writer.Failed[^1].Reason}");
            return seconds;
        }

        public async Task<IReadOnlyDictionary<string, long>> Blobs(long step) =>
            (await store.List(CheckpointLayout.Folder(Prefix, step) + "/")).ToDictionary(b => b.Name[(b.Name.LastIndexOf('/') + 1)..], b => b.Length);

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), null elsewhere: on a shared machine
    /// they say how much the figures were disturbed.</summary>
    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    /// <summary>SingleProcessTrainer does not expose its optimizer (the checkpoint tests reach it
    /// the same way); fails clearly if the field is renamed.</summary>
    private static IOptimizer OptimizerOf(SingleProcessTrainer trainer) =>
        typeof(SingleProcessTrainer).GetField("_optimizer", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(trainer) as IOptimizer
        ?? throw new InvalidOperationException("SingleProcessTrainer has no field _optimizer any more: update CheckpointBenchmark.OptimizerOf.");
}
