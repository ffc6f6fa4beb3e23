using BamOrleans.Core.Evaluation;
using BamOrleans.Core.Models;
using BamOrleans.Reports.Model;
using Serilog;

namespace BamOrleans.Cli.Jobs;

/// <summary>
/// The k-NN curve of a local run (DESIGN §7's online monitoring): every <c>every</c> steps the
/// current encoder is measured on a small fixed labelled subset (5,000 train images as memory,
/// 1,000 test images as queries, or fewer when the data is smaller), so the report shows accuracy
/// against step beside the loss. Off the training path on a cluster (the model is exported from
/// slot 0 while the slots go on).
/// </summary>
internal sealed class OnlineKnn : IDisposable
{
    private readonly KnnMonitor _monitor;
    private readonly long _every;
    private readonly List<KnnPoint> _points = [];
    private long _lastMeasured = -1;

    private OnlineKnn(KnnMonitor monitor, long every) => (_monitor, _every) = (monitor, every);

    /// <summary>Null when the run has no labelled evaluation data or the monitor is off (every = 0).</summary>
    public static OnlineKnn? Create(DatasetSelection data, long every, ILogger log)
    {
        if (every <= 0 || data.EvalTrain is null || data.EvalTest is null) return null;
        var k = new KnnOptions().K;
        var options = new KnnMonitorOptions(
            MemorySize: Math.Min(new KnnMonitorOptions().MemorySize, data.EvalTrain.Count),
            QuerySize: Math.Min(new KnnMonitorOptions().QuerySize, data.EvalTest.Count));
        if (options.MemorySize < k) return null; // too few labelled images for k-NN at all
        return new OnlineKnn(new KnnMonitor(data.EvalTrain, data.EvalTest, data.Normalizer, options, log: log), every);
    }

    /// <summary>The measurements so far, in step order.</summary>
    public IReadOnlyList<KnnPoint> Points => _points;

    /// <summary>Whether a measurement is due once <paramref name="completedSteps"/> steps are done:
    /// a multiple of the interval was crossed, or the run ended past the last measurement.</summary>
    public bool IsDue(long completedSteps, bool final = false) =>
        completedSteps > 0 && completedSteps > _lastMeasured &&
        (final || completedSteps / _every > Math.Max(0, _lastMeasured) / _every);

    /// <summary>Measures <paramref name="encoder"/> as the model after <paramref name="completedSteps"/> steps.</summary>
    public void Measure(Encoder encoder, long completedSteps)
    {
        var result = _monitor.Measure(encoder, completedSteps);
        _points.Add(new KnnPoint(completedSteps, result.Top1Accuracy));
        _lastMeasured = completedSteps;
    }

    /// <summary>The subset sizes, for the report.</summary>
    public string Describe() => $"{_monitor.MemoryIndices.Length:N0} memory / {_monitor.QueryIndices.Length:N0} query images, every {_every} steps";

    public void Dispose() => _monitor.Dispose();
}
