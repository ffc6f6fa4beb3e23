using BamOrleans.Core.Training;
using Serilog;

namespace BamOrleans.Cli.Jobs;

/// <summary>Logs the mean loss and throughput of every block of steps, so the console shows the
/// loss going down without a line per step.</summary>
internal sealed class TrainingProgressLog(ILogger log, int every, long totalSteps)
{
    private readonly List<StepRecord> _block = [];

    public void Add(StepRecord record)
    {
        _block.Add(record);
        if (_block.Count < every && record.Step + 1 < totalSteps) return;
        var finite = _block.Where(r => !r.Skipped).ToList();
        var seconds = _block.Sum(r => r.Seconds);
        log.Information("step {Step,5}/{Total} epoch {Epoch} loss {Loss:F4} lr {LearningRate:E2} ε {Epsilon:F3} {ImagesPerSecond,6:F0} img/s {ViewsPerSecond,6:F0} view-img/s",
            record.Step + 1, totalSteps, record.Epoch, finite.Count > 0 ? finite.Average(r => r.Loss) : double.NaN,
            record.LearningRate, record.Epsilon, _block.Sum(r => r.Images) / seconds, _block.Sum(r => r.ViewImages) / seconds);
        _block.Clear();
    }
}
