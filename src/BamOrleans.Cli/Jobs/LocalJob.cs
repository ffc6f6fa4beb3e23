using System.Diagnostics;
using BamOrleans.Cli.Reporting;
using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Cli.Jobs;

/// <summary>Train in this process, evaluate beside the baselines, write the metrics file and the report.</summary>
internal sealed class LocalJob(LocalJobOptions options, ILogger log)
{
    public const int LogEvery = 20;

    /// <summary>`bam local`: trains and evaluates, then prints the summary and where the files went.</summary>
    public int Run(TextWriter output)
    {
        var result = Train(DatasetSelection.Load(options));
        ConsoleSummary.Print(output, result.Summary, result.Evaluation);
        output.WriteLine($"Metrics: {result.MetricsPath}");
        output.WriteLine($"Report: {result.ReportPath}");
        output.Flush();
        return 0;
    }

    /// <summary>
    /// The training config of <paramref name="options"/> on <paramref name="data"/>. Throws
    /// <see cref="InvalidConfigurationException"/> with every problem when it cannot train, so a
    /// caller refuses bad input before anything is written or trained (`bam compare` checks every
    /// method's config this way before the first one trains).
    /// </summary>
    public static TrainingConfig Check(LocalJobOptions options, DatasetSelection data)
    {
        var config = TrainingConfigFactory.For(options, data.Train);
        var problems = config.Validate().ToList();
        // The cluster refuses these at launch too, but only once its silos are up and the run's
        // folder exists; here they cost nothing.
        if (data.Train.Count < config.GlobalBatch)
            problems.Add($"--batch {config.GlobalBatch} exceeds the {data.Train.Count} training images of {data.Train.Name}: lower it.");
        var slots = options.Silos * options.SlotsPerSilo;
        if (!options.SingleProcess && config.GlobalBatch % slots != 0)
            problems.Add($"--batch {config.GlobalBatch} does not split over the cluster's {slots} slots (--silos {options.Silos} × --slots-per-silo {options.SlotsPerSilo}): use a multiple of {slots}.");
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);
        return config;
    }

    /// <summary>Trains on <paramref name="data"/>, evaluates, and writes metrics.json and the report
    /// into the run's folder; prints nothing (the caller decides what to show).</summary>
    public LocalRunResult Train(DatasetSelection data)
    {
        set_num_threads(options.Threads);
        var config = Check(options, data);
        var title = ObjectiveMethods.Title(config.Method);
        // The single-process trainer checks the config against the data when it is built: build
        // it before anything is written, so a refusal leaves no run folder behind.
        var trainer = options.SingleProcess ? new SingleProcessTrainer(config, data.Train, data.Normalizer, log) : null;
        TrainedEncoder trained;
        var runDirectory = Path.GetFullPath(options.RunDirectory ?? Path.Combine(options.OutputRoot,
            $"local-{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{options.Seed}"));
        using var knn = OnlineKnn.Create(data, options.Evaluate ? options.KnnEvery : 0, log);
        try
        {
            var objective = config.TrainingObjective();
            log.Information("Training {Method} on {Dataset} ({Images} images of {Shape}) for {Steps} steps of {Batch} images × {Views} views, {Threads} threads",
                title, data.Train.Name, data.Train.Count, data.Train.Shape, config.Steps, config.GlobalBatch,
                objective.GlobalViews + objective.LocalViews, options.Threads);
            Directory.CreateDirectory(runDirectory);
            // The curve starts where training does: the seeded initial weights, which every replica
            // (and a resumed run's first leg) started from.
            if (knn is not null)
            {
                using var initial = Core.Models.Encoder.Create(config.Model, config.Seed);
                knn.Measure(initial, 0);
            }
            trained = trainer is not null
                ? TrainInThisProcess(trainer, config, knn)
                : ClusterTraining.Run(options, data, config, knn, log);
        }
        catch
        {
            trainer?.Dispose();
            throw;
        }
        using var _ = trained;
        var records = trained.Records;
        var trainingSeconds = trained.TrainingSeconds;
        var summary = TrainingSummary.From(records, trainingSeconds);
        log.Information("Trained {Method}: {Steps} steps in {Seconds:F0} s: loss {First:F4} → {Last:F4}, {ImagesPerSecond:F0} images/s ({ViewsPerSecond:F0} view-images/s)",
            title, summary.Steps, trainingSeconds, summary.FirstLoss, summary.LastLoss, summary.ImagesPerSecond, summary.ViewImagesPerSecond);
        if (trained.Cluster?.Traffic is { } traffic)
            log.Information("{Method} moved {Objective:N0} bytes per step per slot in its objective exchange, {Total:N0} with the gradient average",
                title, traffic.ObjectiveBytes, traffic.TotalBytes);

        ComparisonResult? evaluation = null;
        if (options.Evaluate && data.EvalTrain is not null && data.EvalTest is not null)
        {
            log.Information("Evaluating: k-NN (k = 20, T = 0.07) and linear probe on {Test} test images, {Train} train images as memory",
                data.EvalTest.Count, data.EvalTrain.Count);
            var measured = EncoderComparison.Run(trained.Model, config.Encoder, config.Seed,
                data.EvalTrain, data.EvalTest, data.Normalizer, log);
            // Name the trained row by its objective, so tables and reports of several methods read apart.
            evaluation = measured with { Trained = measured.Trained with { Name = $"{title} encoder" } };
        }
        else if (options.Evaluate)
        {
            log.Warning("No labelled evaluation data (pass --eval-data with --dataset folder): evaluation skipped");
        }

        var knnPoints = knn?.Points ?? [];
        var metricsPath = Path.Combine(runDirectory, "metrics.json");
        MetricsFile.Write(metricsPath, config, data.Train.Name, summary, records, evaluation, trained.Cluster, knnPoints);
        var reportPath = LocalRunReport.Write(runDirectory, $"{title} on {data.Train.Name}", data.Train.Name,
            trained.Definition ?? MetricsFile.ConfigJson(config), config, summary, trained, knnPoints, knn?.Describe(), evaluation);
        return new LocalRunResult(config, data.Train.Name, summary, evaluation, trained.Cluster?.Traffic, runDirectory, metricsPath, reportPath);
    }

    /// <summary>The single-process reference: the same steps without a cluster (--single-process).</summary>
    private TrainedEncoder TrainInThisProcess(SingleProcessTrainer trainer, TrainingConfig config, OnlineKnn? knn)
    {
        var progress = new TrainingProgressLog(log, LogEvery, config.Steps, showEpsilon: config.Method == Core.Objectives.Bam.BamObjective.Name);
        var clock = Stopwatch.StartNew();
        var records = trainer.Run(options.TimeBudget, record =>
        {
            progress.Add(record);
            if (knn is not null && knn.IsDue(record.Step + 1)) knn.Measure(trainer.Model, record.Step + 1);
        });
        if (knn is not null && records.Count > 0 && knn.IsDue(records[^1].Step + 1, final: true)) knn.Measure(trainer.Model, records[^1].Step + 1);
        return new TrainedEncoder(trainer.Model, records, clock.Elapsed.TotalSeconds, Cluster: null, Owner: trainer);
    }
}
