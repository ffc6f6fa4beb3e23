using System.Globalization;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Evaluation;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Eval;

/// <summary>One representation's accuracy under the measure that was run.</summary>
internal sealed record EvalScore(string Name, int FeatureDim, double Top1, double Seconds);

/// <summary>The answer of `bam eval knn|linear`: which encoder, on what data, and the three
/// representations of DESIGN §7 measured the same way.</summary>
internal sealed record EvalReport(
    string Measure,
    string Protocol,
    string Source,
    string Run,
    long Step,
    string Data,
    int TrainImages,
    int TestImages,
    IReadOnlyList<EvalScore> Representations)
{
    public static EvalReport From(EvaluationMeasures measure, ExportedEncoder encoder, string data, int train, int test, ComparisonResult result)
    {
        var knn = measure == EvaluationMeasures.Knn;
        var k = new KnnOptions();
        var probe = new LinearProbeOptions();
        var protocol = knn
            ? $"weighted k-NN, k = {k.K}, T = {k.Temperature.ToString(CultureInfo.InvariantCulture)}, cosine; train split as memory, test split as queries"
            : $"linear probe, {probe.Epochs} epochs of AdamW on standardized features; fitted on the train split, scored on the test split";
        return new EvalReport(knn ? "knn" : "linear", protocol, encoder.Source, encoder.Metadata.RunId, encoder.Metadata.Step, data, train, test,
            result.All.Select(r => new EvalScore(r.Name, r.FeatureDim, knn ? r.KnnTop1 : r.LinearProbeTop1, r.Seconds)).ToArray());
    }

    public void Write(IAnsiConsole console, TextWriter writer)
    {
        writer.WriteLine($"Run {Run} step {Step} ({Source})");
        writer.WriteLine($"{Protocol}; {TrainImages} train / {TestImages} test images from {Data}");
        writer.Flush();
        var table = new Table().AddColumns("representation", "features", Measure == "knn" ? "k-NN top-1" : "linear probe top-1", "seconds");
        foreach (var r in Representations)
            table.AddRow(new Text(r.Name), new Text(r.FeatureDim.ToString(CultureInfo.InvariantCulture)),
                new Text(r.Top1.ToString("P2", CultureInfo.InvariantCulture)), new Text(r.Seconds.ToString("F1", CultureInfo.InvariantCulture)));
        console.Write(table);
    }
}
