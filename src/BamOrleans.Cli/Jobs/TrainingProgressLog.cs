using BamOrleans.Core.Training;
using Serilog;

namespace BamOrleans.Cli.Jobs;

/// <summary>Logs the mean loss and throughput of every block of steps, so the console shows the
/// loss going down without a line per step.</summary>
/// <param name="showEpsilon">Whether the run's ε schedule means anything (BAM's targets); the
/// other objectives' lines leave it out.</param>
internal sealed class TrainingProgressLog(ILogger log, int every, long totalSteps, bool showEpsilon = true)
{
    private readonly List<StepRecord> _block = [];

    public void Add(StepRecord record)
    {
        _block.Add(record);
        if (_block.Count < every && record.Step + 1 < totalSteps) return;
        var finite = _block.Where(r => !r.Skipped).ToList();
        var seconds = _block.Sum(r => r.Seconds);
        var loss = finite.Count > 0 ? finite.Average(r => r.Loss) : double.NaN;
        var (images, views) = (_block.Sum(r => r.Images) / seconds, _block.Sum(r => r.ViewImages) / seconds);
        if (showEpsilon)
            log.Information("step {Step,5}/{Total} epoch {Epoch} loss {Loss:F4} lr {LearningRate:E2} ε {Epsilon:F3} {ImagesPerSecond,6:F0} img/s {ViewsPerSecond,6:F0} view-img/s",
                record.Step + 1, totalSteps, record.Epoch, loss, record.LearningRate, record.Epsilon, images, views);
        else
            log.Information("step {Step,5}/{Total} epoch {Epoch} loss {Loss:F4} lr {LearningRate:E2} {ImagesPerSecond,6:F0} img/s {ViewsPerSecond,6:F0} view-img/s",
                record.Step + 1, totalSteps, record.Epoch, loss, record.LearningRate, images, views);
        _block.Clear();
    }
}
