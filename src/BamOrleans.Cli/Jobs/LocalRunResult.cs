using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Jobs;

/// <summary>What one local job produced: its figures and where its files went.</summary>
/// <param name="Config">The config it trained (its <c>Method</c> names the objective).</param>
/// <param name="Evaluation">The trained encoder beside the two baselines; null when not evaluated.</param>
/// <param name="Traffic">Bytes per step per slot (null in one process, which exchanges nothing).</param>
internal sealed record LocalRunResult(
    TrainingConfig Config,
    string Dataset,
    TrainingSummary Summary,
    ComparisonResult? Evaluation,
    StepTrafficFigures? Traffic,
    string RunDirectory,
    string MetricsPath,
    string ReportPath);
