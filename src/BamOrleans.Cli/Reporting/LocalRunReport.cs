using System.Globalization;
using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;
using BamOrleans.Reports;
using BamOrleans.Reports.Model;

namespace BamOrleans.Cli.Reporting;

/// <summary>The report of a `bam local` run: its figures and page, written beside its metrics file.</summary>
internal static class LocalRunReport
{
    /// <summary>Writes loss.png, learning-rate.png, knn.png (when measured) and report.html into
    /// <paramref name="folder"/>; returns the page's path.</summary>
    public static string Write(string folder, string title, string dataset, string configText, TrainingConfig config,
        TrainingSummary summary, TrainedEncoder trained, IReadOnlyList<KnnPoint> knn, string? knnDescription, ComparisonResult? evaluation)
    {
        var facts = new List<KeyFact>
        {
            new("dataset", dataset),
            new("trained", trained.Cluster is { } c ? $"a local cluster: {c.Silos} silos, {c.Slots} slots{(c.ReplicasIdentical ? ", replicas identical at the end" : ", REPLICAS DIFFER")}" : "in one process"),
            new("steps", $"{summary.Steps:N0} of {config.Steps:N0}, {config.GlobalBatch} images each"),
            new("loss", $"{summary.FirstLoss:F4} → {summary.LastLoss:F4}"),
            new("throughput", $"{summary.ImagesPerSecond:F0} images/s over {summary.TrainingSeconds:F0} s"),
            new("k-NN monitor", knnDescription ?? "off"),
        };
        if (trained.RunId is { } id) facts.Insert(0, new KeyFact("run", id));
        var report = new RunReport(
            trained.RunId ?? Path.GetFileName(folder),
            title,
            DateTimeOffset.UtcNow,
            Readable(configText),
            facts,
            trained.Records.Select(r => new Reports.Model.StepRecord(r.Step, r.Epoch, r.Skipped ? double.NaN : r.Loss, r.LearningRate, r.ImagesPerSecond)).ToList(),
            knn,
            evaluation is null ? [] : evaluation.All.Select(s => new EvaluationRow(s.Name, s.FeatureDim, s.KnnTop1, s.LinearProbeTop1)).ToList(),
            TimelineMapping.ToReport(trained.Timeline));
        RunReportWriter.Write(report, folder);
        return Path.Combine(folder, RunReportWriter.HtmlFile);
    }

    /// <summary>A JSON config indented for people (runs store it compact); other text as it is.</summary>
    private static string Readable(string config)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(config)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) ?? config;
        }
        catch (System.Text.Json.JsonException)
        {
            return config;
        }
    }
}
