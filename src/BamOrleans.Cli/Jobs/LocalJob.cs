using System.Diagnostics;
using BamOrleans.Cli.Reporting;
using BamOrleans.Core.Data;
using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Cli.Jobs;

/// <summary>Train in this process, evaluate beside the baselines, write the metrics file.</summary>
internal sealed class LocalJob(LocalJobOptions options, ILogger log)
{
    public const int LogEvery = 20;

    public int Run()
    {
        set_num_threads(options.Threads);
        var data = DatasetSelection.Load(options);
        var config = TrainingConfigFactory.For(options, data.Train);
        // Refuse a bad config before anything is written or trained.
        var problems = config.Validate();
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);

        log.Information("Training BAM on {Dataset} ({Images} images of {Shape}) for {Steps} steps of {Batch} images × {Views} views, {Threads} threads",
            data.Train.Name, data.Train.Count, data.Train.Shape, config.Steps, config.GlobalBatch, config.Objective.Views, options.Threads);

        var runDirectory = Path.GetFullPath(Path.Combine(options.OutputRoot,
            $"local-{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{options.Seed}"));
        Directory.CreateDirectory(runDirectory);
        using var knn = OnlineKnn.Create(data, options.Evaluate ? options.KnnEvery : 0, log);
        // The curve starts where training does: the seeded initial weights, which every replica
        // (and a resumed run's first leg) started from.
        if (knn is not null)
        {
            using var initial = Core.Models.Encoder.Create(config.Model, config.Seed);
            knn.Measure(initial, 0);
        }
        using var trained = options.SingleProcess
            ? TrainInThisProcess(config, data, knn)
            : ClusterTraining.Run(options, data, config, knn, log);
        var records = trained.Records;
        var trainingSeconds = trained.TrainingSeconds;
        var summary = TrainingSummary.From(records, trainingSeconds);
        log.Information("Trained {Steps} steps in {Seconds:F0} s: loss {First:F4} → {Last:F4}, {ImagesPerSecond:F0} images/s ({ViewsPerSecond:F0} view-images/s)",
            summary.Steps, trainingSeconds, summary.FirstLoss, summary.LastLoss, summary.ImagesPerSecond, summary.ViewImagesPerSecond);

        ComparisonResult? evaluation = null;
        if (options.Evaluate && data.EvalTrain is not null && data.EvalTest is not null)
        {
            log.Information("Evaluating: k-NN (k = 20, T = 0.07) and linear probe on {Test} test images, {Train} train images as memory",
                data.EvalTest.Count, data.EvalTrain.Count);
            evaluation = EncoderComparison.Run(trained.Model, config.Encoder, config.Seed,
                data.EvalTrain, data.EvalTest, data.Normalizer, log);
        }
        else if (options.Evaluate)
        {
            log.Warning("No labelled evaluation data (pass --eval-data with --dataset folder): evaluation skipped");
        }

        var knnPoints = knn?.Points ?? [];
        var metricsPath = Path.Combine(runDirectory, "metrics.json");
        MetricsFile.Write(metricsPath, config, data.Train.Name, summary, records, evaluation, trained.Cluster, knnPoints);
        var reportPath = LocalRunReport.Write(runDirectory, $"BAM on {data.Train.Name}", data.Train.Name,
            trained.Definition ?? MetricsFile.ConfigJson(config), config, summary, trained, knnPoints, knn?.Describe(), evaluation);
        ConsoleSummary.Print(summary, evaluation);
        Console.WriteLine($"Metrics: {metricsPath}");
        Console.WriteLine($"Report: {reportPath}");
        return 0;
    }

    /// <summary>The single-process reference: the same steps without a cluster (--single-process).</summary>
    private TrainedEncoder TrainInThisProcess(TrainingConfig config, DatasetSelection data, OnlineKnn? knn)
    {
        var trainer = new SingleProcessTrainer(config, data.Train, data.Normalizer, log);
        var progress = new TrainingProgressLog(log, LogEvery, config.Steps);
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
