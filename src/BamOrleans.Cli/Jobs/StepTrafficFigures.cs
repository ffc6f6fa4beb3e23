using BamOrleans.Grains.Training;

namespace BamOrleans.Cli.Jobs;

/// <summary>
/// Mean bytes of tensor data one slot moved in one step (float32 payloads; message headers not
/// counted), from every slot's per-step traffic records, by exchange.
/// </summary>
/// <param name="UploadBytes">The objective's upload to the leader (BAM: the slot's rows; SwAV: its
/// assignment scores; PIRL: its first view's rows).</param>
/// <param name="AnswerBytes">The leader's answer (BAM: the columns and their Sinkhorn scales;
/// SwAV: the slot's codes; PIRL: the negatives and the slot's memory-bank rows).</param>
/// <param name="SharedGradientBytes">The shared-gradient round, both ways (BAM without an EMA
/// teacher: dL/dC up, the slot's own columns' reduced gradient down; 0 for the others).</param>
/// <param name="ParameterGradientBytes">The parameter-gradient average, both ways: the same for every
/// objective but for SwAV's prototypes, which are parameters.</param>
/// <param name="Records">The slot-step records averaged.</param>
internal sealed record StepTrafficFigures(
    double UploadBytes,
    double AnswerBytes,
    double SharedGradientBytes,
    double ParameterGradientBytes,
    int Records)
{
    /// <summary>What the objective itself exchanges per step: upload + answer + shared-gradient round.</summary>
    public double ObjectiveBytes => UploadBytes + AnswerBytes + SharedGradientBytes;

    /// <summary>Everything the slot moved per step, the gradient average included.</summary>
    public double TotalBytes => ObjectiveBytes + ParameterGradientBytes;

    /// <summary>The means over <paramref name="traffic"/> (every slot's records of every step);
    /// null when there are none.</summary>
    public static StepTrafficFigures? From(IReadOnlyCollection<StepTraffic> traffic)
    {
        if (traffic.Count == 0) return null;
        return new StepTrafficFigures(
            traffic.Average(t => (double)t.EmbeddingsUp),
            traffic.Average(t => (double)t.TargetsDown),
            traffic.Average(t => (double)(t.ColumnGradientsUp + t.OwnColumnGradientsDown)),
            traffic.Average(t => (double)(t.GradientsUp + t.GradientsDown)),
            traffic.Count);
    }
}
