using System.Globalization;
using BamOrleans.Cli.Reporting;
using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Training;
using Serilog;

namespace BamOrleans.Cli.Jobs;

/// <summary>
/// Trains each method with one budget, one after the other, each as `bam local` would (the same
/// job on the in-process cluster, evaluated beside the baselines, with its own run folder and
/// report), and gathers the figures into one <see cref="ComparisonDocument"/>, written as
/// compare.json and compare.md in <c>&lt;out&gt;/compare-&lt;utc time&gt;/</c>.
/// </summary>
internal sealed class MethodComparison(LocalJobOptions budget, IReadOnlyList<string> methods, ILogger log)
{
    public const string JsonFile = "compare.json";
    public const string MarkdownFile = "compare.md";

    /// <summary>Runs the comparison; returns its document (the files are written).</summary>
    public ComparisonDocument Run()
    {
        var data = DatasetSelection.Load(budget);
        if (data.EvalTrain is null || data.EvalTest is null)
            throw new InvalidDataException($"{budget.DataPath} has no labelled test split: the comparison evaluates every method, so give it Fashion-MNIST's idx folder.");
        // Every method's config is checked before the first one trains: a comparison that would stop
        // at its second method after minutes of the first is refused at once instead.
        var problems = new List<string>();
        foreach (var method in methods)
        {
            try { LocalJob.Check(budget with { Method = method }, data); }
            catch (InvalidConfigurationException e) { problems.AddRange(e.Problems); }
        }
        // A problem of the shared budget (the batch, the steps) is the same for every method: say it once.
        if (problems.Count > 0) throw new InvalidConfigurationException(problems.Distinct().ToList());

        var created = DateTime.UtcNow;
        var folder = NewFolder(Path.GetFullPath(Path.Combine(budget.OutputRoot, $"compare-{created:yyyyMMdd-HHmmss}")));
        log.Information("Comparing {Methods} on {Dataset} with the same budget: {Steps} steps of {Batch} images, seed {Seed}; results in {Folder}",
            string.Join(", ", methods.Select(ObjectiveMethods.Title)), data.Train.Name, budget.Steps, budget.GlobalBatch, budget.Seed, folder);

        var results = new List<LocalRunResult>();
        foreach (var (method, i) in methods.Select((m, i) => (m, i)))
        {
            log.Information("Comparison {Index}/{Count}: {Method}", i + 1, methods.Count, ObjectiveMethods.Title(method));
            var options = budget with
            {
                Method = method,
                Evaluate = true,
                RunDirectory = Path.Combine(folder, method),
                // A run id of its own and a store inside the comparison: no method resumes another's checkpoints.
                RunId = $"{Path.GetFileName(folder)}-{method}",
                StoreFolder = Path.Combine(folder, "store"),
            };
            results.Add(new LocalJob(options, log).Train(data));
        }

        var document = new ComparisonDocument(1, created, folder, data.Train.Name, data.EvalTrain.Count, data.EvalTest.Count,
            new ComparisonBudget(budget.Steps, budget.GlobalBatch, budget.Seed, budget.Threads, budget.Silos, budget.SlotsPerSilo,
                budget.LocalViews, budget.TimeBudget?.TotalMinutes, budget.Optimizer.ToString(), budget.BaseLearningRate),
            string.Create(CultureInfo.InvariantCulture,
                $"weighted k-NN (k = {new KnnOptions().K}, T = {new KnnOptions().Temperature}, cosine) with the train split as memory, and a linear probe fitted on it; top-1 on the test split"),
            results.Select(r => Row(r, folder)).ToList(),
            Baselines(results));
        ComparisonFiles.Write(folder, document);
        return document;
    }

    private static MethodRow Row(LocalRunResult r, string folder)
    {
        var evaluation = r.Evaluation!;
        var objective = r.Config.TrainingObjective();
        return new MethodRow(r.Config.Method, ObjectiveMethods.Title(r.Config.Method),
            100 * evaluation.Trained.KnnTop1, 100 * evaluation.Trained.LinearProbeTop1,
            r.Summary.ImagesPerSecond,
            r.Traffic?.ObjectiveBytes ?? double.NaN, r.Traffic?.TotalBytes ?? double.NaN,
            r.Summary.LastLoss, r.Summary.TrainingSeconds, r.Summary.Steps, evaluation.Trained.FeatureDim,
            objective.GlobalViews + objective.LocalViews, r.Traffic,
            Path.GetRelativePath(folder, r.RunDirectory), Path.GetRelativePath(folder, r.ReportPath), Path.GetRelativePath(folder, r.MetricsPath));
    }

    /// <summary>
    /// The baselines as the first method's run measured them. Every run measures them (so each run
    /// folder's report stands alone), and with one seed and one encoder architecture they are the
    /// same encoder and the same pixels each time; a difference is logged, since it would mean the
    /// methods were not measured alike.
    /// </summary>
    private List<BaselineRow> Baselines(IReadOnlyList<LocalRunResult> results)
    {
        var first = results[0].Evaluation!;
        foreach (var other in results.Skip(1).Select(r => r.Evaluation!))
        foreach (var (a, b) in new[] { (first.RandomEncoder, other.RandomEncoder), (first.RawPixels, other.RawPixels) })
            if (Math.Abs(a.KnnTop1 - b.KnnTop1) > 1e-9 || Math.Abs(a.LinearProbeTop1 - b.LinearProbeTop1) > 1e-9)
                log.Warning("The {Baseline} baseline measured {Knn:P2} / {Linear:P2} in one run and {OtherKnn:P2} / {OtherLinear:P2} in another; the table shows the first",
                    a.Name, a.KnnTop1, a.LinearProbeTop1, b.KnnTop1, b.LinearProbeTop1);
        return [Baseline(first.RandomEncoder), Baseline(first.RawPixels)];
    }

    private static BaselineRow Baseline(RepresentationScore s) => new(s.Name, s.FeatureDim, 100 * s.KnnTop1, 100 * s.LinearProbeTop1);

    /// <summary>The folder, or the same name with a counter when a comparison started in the same second already has it.</summary>
    private static string NewFolder(string folder)
    {
        var candidate = folder;
        for (var n = 2; Directory.Exists(candidate); n++) candidate = $"{folder}-{n}";
        Directory.CreateDirectory(candidate);
        return candidate;
    }
}
