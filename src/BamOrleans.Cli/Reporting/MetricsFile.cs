using System.Text.Json;
using System.Text.Json.Serialization;
using BamOrleans.Core.Evaluation;
using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Training;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cli.Reporting;

/// <summary>Writes a run's figures as JSON (config, per-step curve, summary, evaluation), the
/// machine-readable twin of what the console prints.</summary>
internal static class MetricsFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new RangeJsonConverter() },
    };

    /// <summary>The training config as this file writes it (for the report of a run trained in one process).</summary>
    public static string ConfigJson(TrainingConfig config) => JsonSerializer.Serialize(config, Json);

    public static void Write(string path, TrainingConfig config, string dataset, TrainingSummary summary,
        IReadOnlyList<StepRecord> steps, ComparisonResult? evaluation, ClusterFigures? cluster = null,
        IReadOnlyList<BamOrleans.Reports.Model.KnnPoint>? knn = null)
    {
        var document = new
        {
            formatVersion = 1,
            // The objective trained (also config.method): what a reader sorts runs by first.
            method = config.Method,
            dataset,
            config,
            training = summary,
            cluster,
            steps = steps.Select(s => new { s.Step, s.Epoch, s.Loss, s.LearningRate, s.WeightDecay, s.Epsilon, s.Seconds, s.Skipped }),
            // The online k-NN monitor's curve: top-1 on a small fixed subset after that many steps.
            knnMonitor = (knn ?? []).Select(p => new { completedSteps = p.Step, top1 = p.Top1 }),
            evaluation = evaluation is null ? null : new
            {
                knn = new { k = 20, temperature = 0.07 },
                representations = evaluation.All,
            },
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
