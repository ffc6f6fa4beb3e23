using BamOrleans.Client;
using BamOrleans.Grains.Runs;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Training;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Cli.Jobs;

/// <summary>
/// Trains on a local cluster, driving the run through its grains exactly as on a real one: by
/// default in-process silos with localhost membership; with --processes, `bam-silo` processes on
/// 127.0.0.1 meeting through a redis-server this command starts (and stops, with the silos).
/// </summary>
internal static class ClusterTraining
{
    public static TrainedEncoder Run(LocalJobOptions options, DatasetSelection data, TrainingConfig config, OnlineKnn? knn, ILogger log) =>
        RunAsync(options, data, config, knn, log).GetAwaiter().GetResult();

    private static async Task<TrainedEncoder> RunAsync(LocalJobOptions options, DatasetSelection data, TrainingConfig config, OnlineKnn? knn, ILogger log)
    {
        var spec = new DatasetSpec(
            options.Dataset == Commands.DatasetKind.FashionMnist ? LocalDatasetProvider.FashionMnistKind : LocalDatasetProvider.FolderKind,
            Path.GetFullPath(options.DataPath), options.ImageSize);
        var datasets = new LocalDatasetProvider();
        datasets.Add(spec, data.Train);
        var definition = new RunDefinition(config, spec, data.Normalizer.Mean, data.Normalizer.Std, options.DataShards)
        {
            CheckpointEverySteps = options.CheckpointEvery,
            CheckpointEveryMinutes = options.CheckpointMinutes,
            KeepCheckpoints = options.KeepCheckpoints,
        };
        var storeFolder = Path.GetFullPath(options.StoreFolder ?? Path.Combine(options.OutputRoot, "store"));
        var store = new LocalFolderBlobStore(storeFolder);
        await store.EnsureReady();

        IClusterClient client;
        IAsyncDisposable cluster;
        if (options.Processes)
        {
            // The silo processes share the cores instead of each claiming all of them.
            var threads = Math.Max(1, options.Threads / options.Silos);
            log.Information("Starting a local cluster: redis-server and {Silos} bam-silo processes × {Slots} slot(s), {Threads} thread(s) each",
                options.Silos, options.SlotsPerSilo, threads);
            var processes = await ProcessCluster.Start(options.Silos, threads, log, storeFolder);
            (client, cluster) = (processes.Client, processes);
        }
        else
        {
            log.Information("Starting a local cluster: {Silos} in-process silos × {Slots} slot(s), localhost membership", options.Silos, options.SlotsPerSilo);
            var local = await LocalCluster.Start(options.Silos, datasets, log, store: store);
            (client, cluster) = (local.Client, local);
        }
        await using var stopCluster = cluster;
        var run = new ClusterRun(client, options.RunId ?? $"local-{DateTime.UtcNow:yyyyMMdd-HHmmss}", log);
        await run.Launch(definition, data.Train.Count, options.SlotsPerSilo);
        if (run.ResumedFrom is { } resumed)
            log.Information("Resumed run {RunId} at step {Step} from the checkpoints in {Store}", run.RunId, resumed, store.Description);

        var progress = new TrainingProgressLog(log, LocalJob.LogEvery, config.Steps, showEpsilon: config.Method == Core.Objectives.Bam.BamObjective.Name);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var schedules = new TrainingSchedules(config, data.Train.Count / config.GlobalBatch);
        var logged = run.ResumedFrom ?? 0;
        await run.WaitUntilDone(config.Steps, options.TimeBudget, async _ =>
        {
            // Fetch the new steps from slot 0 so the progress log sees every one. The barrier
            // counts a step before the replicas apply it: continue after the last step fetched.
            var fresh = await run.History(0, logged);
            if (fresh.Count == 0) return;
            if (run.ResumedFrom is { } resumed && logged == resumed)
                log.Information("First resumed step {Step} done {Seconds:F1} s after the process started",
                    fresh[0].Step, (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds);
            foreach (var r in fresh)
                progress.Add(ToStepRecord(r, config, schedules));
            logged = fresh[^1].Step + 1;
            if (knn is not null && knn.IsDue(logged))
            {
                // Slot 0's model as it is now; the slots go on training meanwhile.
                var snapshot = await run.ExportModel();
                using var current = ModelSnapshotLoader.ToEncoder(snapshot, config.Model, config.Seed);
                knn.Measure(current, snapshot.Step);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        if ((await run.Status()).Status == RunStatus.Paused)
            log.Information("Run {RunId} paused at the time budget; the same command with --run-id {RunId} resumes it from its latest checkpoint in {Store}",
                run.RunId, run.RunId, store.Description);

        var history = await run.History(0);
        var records = history.Select(r => ToStepRecord(r, config, schedules)).ToList();
        var reports = await run.Reports();
        var identical = reports.Select(r => r.ParameterChecksum).Distinct().Count() == 1;
        if (identical)
            log.Information("All {Slots} replicas have parameter checksum {Checksum:x16} after {Steps} steps", reports.Count, reports[0].ParameterChecksum, reports[0].CompletedSteps);
        else
            log.Error("Replicas differ: {Checksums}", string.Join(", ", reports.Select(r => $"{r.SlotId}={r.ParameterChecksum:x16}")));
        var traffic = await Traffic(run, log);
        var model = ModelSnapshotLoader.ToEncoder(await run.ExportModel(), config.Model, config.Seed);
        if (knn is not null && knn.IsDue(reports[0].CompletedSteps, final: true)) knn.Measure(model, reports[0].CompletedSteps);
        return new TrainedEncoder(model, records, seconds,
            new ClusterFigures(options.Silos, reports.Count, MeanPhases(history), identical) { Traffic = traffic })
        {
            RunId = run.RunId,
            Timeline = await run.Events(),
            Definition = RunDefinitionJson.ToSettings(definition).Document,
        };
    }

    private static StepRecord ToStepRecord(SlotStepRecord r, TrainingConfig config, TrainingSchedules schedules) =>
        new(r.Step, r.Epoch, r.Loss, r.LearningRate, schedules.WeightDecay(r.Step), schedules.Epsilon(r.Step),
            r.Phases.Total, config.GlobalBatch, config.GlobalBatch * Views(config), r.Skipped);

    /// <summary>Views per image of the run's objective (BAM's options hold only BAM's).</summary>
    private static int Views(TrainingConfig config)
    {
        var objective = config.TrainingObjective();
        return objective.GlobalViews + objective.LocalViews;
    }

    /// <summary>Bytes per step per slot: the mean over every slot's own records, not slot 0's alone,
    /// so the figure stays right for an objective whose slots move different amounts (none of
    /// today's does). A slot whose silo no longer answers is left out.</summary>
    private static async Task<StepTrafficFigures?> Traffic(ClusterRun run, ILogger log)
    {
        var traffic = new List<StepTraffic>();
        for (var w = 0; w < run.SlotKeys.Count; w++)
        {
            try
            {
                traffic.AddRange((await run.History(w)).Select(r => r.Traffic));
            }
            catch (Exception e) when (Grains.Placement.ClusterFaults.IsTransient(e))
            {
                log.Warning("Slot {Slot}'s step records are unavailable ({Reason}); its traffic is left out", w, e.Message);
            }
        }
        return StepTrafficFigures.From(traffic);
    }

    private static IReadOnlyDictionary<string, double> MeanPhases(IReadOnlyList<SlotStepRecord> history)
    {
        // The first steps include one-off start-up costs; leave them out of the average.
        var steady = history.Skip(Math.Min(5, history.Count / 2)).Select(r => r.Phases).ToList();
        if (steady.Count == 0) return new Dictionary<string, double>();
        return new Dictionary<string, double>
        {
            ["draw"] = steady.Average(p => p.Draw),
            ["forward"] = steady.Average(p => p.Forward),
            ["gather"] = steady.Average(p => p.Gather),
            ["sinkhorn"] = steady.Average(p => p.Sinkhorn),
            ["share"] = steady.Average(p => p.Share),
            ["columnExchange"] = steady.Average(p => p.ColumnExchange),
            ["backward"] = steady.Average(p => p.Backward),
            ["gradientAverage"] = steady.Average(p => p.GradientAverage),
            ["barrier"] = steady.Average(p => p.Barrier),
            ["apply"] = steady.Average(p => p.Apply),
            ["total"] = steady.Average(p => p.Total),
        };
    }
}
