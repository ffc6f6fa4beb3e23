using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Reporting;

/// <summary>The closing table of a local run.</summary>
internal static class ConsoleSummary
{
    public static void Print(TextWriter output, TrainingSummary training, ComparisonResult? evaluation)
    {
        output.WriteLine();
        output.WriteLine($"Training: {training.Steps} steps in {training.TrainingSeconds:F0} s, loss {training.FirstLoss:F4} -> {training.LastLoss:F4}, " +
                         $"{training.ImagesPerSecond:F0} images/s ({training.ViewImagesPerSecond:F0} view-images/s)" +
                         (training.SkippedSteps > 0 ? $", {training.SkippedSteps} non-finite steps skipped" : ""));
        if (evaluation is null) return;
        output.WriteLine();
        output.WriteLine($"{"representation",-16} {"dim",5} {"k-NN top-1",11} {"linear probe",13}");
        foreach (var r in evaluation.All)
            output.WriteLine($"{r.Name,-16} {r.FeatureDim,5} {r.KnnTop1,11:P2} {r.LinearProbeTop1,13:P2}");
        output.WriteLine();
    }
}
