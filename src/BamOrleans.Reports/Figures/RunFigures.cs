using BamOrleans.Reports.Charts;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Figures;

/// <summary>The report's figures, as charts built from a run's records.</summary>
internal static class RunFigures
{
    /// <summary>The timeline kinds marked on the loss curve: where the cluster lost a node or the
    /// run came back from a checkpoint, i.e. where a bump in the loss would be explained.</summary>
    internal static readonly IReadOnlyDictionary<TimelineEventKind, (string Label, ScottPlot.Color Color)> LossMarkers =
        new Dictionary<TimelineEventKind, (string, ScottPlot.Color)>
        {
            [TimelineEventKind.SiloLost] = ("silo lost", Palette.SiloLost),
            [TimelineEventKind.Interrupted] = ("interrupted", Palette.SiloLost),
            [TimelineEventKind.SiloLeft] = ("silo left", Palette.SiloLeft),
            [TimelineEventKind.ResumedFromCheckpoint] = ("resumed from checkpoint", Palette.Resumed),
        };

    public static LineChart Loss(RunReport report)
    {
        var steps = report.Steps.OrderBy(s => s.Step).ToList();
        var raw = steps.Select(s => new ChartPoint(s.Step, s.Loss)).ToList();
        var series = new List<ChartSeries>();
        var window = Smoothing.WindowFor(steps.Count);
        if (window >= 3)
        {
            var smoothed = Smoothing.CentredMean(steps.Select(s => s.Loss).ToList(), window);
            series.Add(new ChartSeries("loss per step", raw, Palette.Raw, 1));
            series.Add(new ChartSeries($"mean of {window} points",
                steps.Select((s, i) => new ChartPoint(s.Step, smoothed[i])).ToList(), Palette.Main, 2));
        }
        else
        {
            series.Add(new ChartSeries("loss per step", raw, Palette.Main, 2));
        }

        var markers = Markers(report.Timeline);
        return new LineChart("Training loss", "step", "loss", series, markers);
    }

    public static LineChart LearningRate(RunReport report)
    {
        var points = report.Steps.OrderBy(s => s.Step).Select(s => new ChartPoint(s.Step, s.LearningRate)).ToList();
        return new LineChart("Learning rate", "step", "learning rate",
            [new ChartSeries("learning rate", points, Palette.Main, 2)], []);
    }

    /// <summary>Null when the run recorded no k-NN point: an empty figure would look like a broken one.</summary>
    public static LineChart? Knn(RunReport report)
    {
        if (report.KnnPoints.Count == 0) return null;
        var points = report.KnnPoints.OrderBy(p => p.Step).Select(p => new ChartPoint(p.Step, 100 * p.Top1)).ToList();
        return new LineChart("k-NN top-1 accuracy", "step", "top-1 (%)",
            [new ChartSeries("k-NN top-1", points, Palette.Knn, 2, ShowPoints: true)], []);
    }

    private static IReadOnlyList<ChartMarker> Markers(IEnumerable<TimelineEvent> timeline) =>
        timeline
            .Where(e => LossMarkers.ContainsKey(e.Kind))
            .OrderBy(e => e.Step)
            .Select(e => new ChartMarker(e.Step, LossMarkers[e.Kind].Label, LossMarkers[e.Kind].Color))
            .ToList();
}
