using BamOrleans.Core.Models;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Jobs;

/// <summary>What training produced, however it ran: the student, its per-step curve, the
/// wall-clock training time, and (on a cluster) the per-phase step-time breakdown.</summary>
/// <param name="Owner">What to dispose with the model (the trainer that holds it), or null when
/// the model stands alone.</param>
internal sealed record TrainedEncoder(
    Encoder Model,
    IReadOnlyList<StepRecord> Records,
    double TrainingSeconds,
    ClusterFigures? Cluster,
    IDisposable? Owner = null) : IDisposable
{
    /// <summary>The cluster run's id (null in one process).</summary>
    public string? RunId { get; init; }

    /// <summary>The cluster run's timeline (empty in one process).</summary>
    public IReadOnlyList<BamOrleans.Grains.Runs.RunEvent> Timeline { get; init; } = [];

    /// <summary>The run definition the cluster trained, as stored with the run (null in one process).</summary>
    public string? Definition { get; init; }

    public void Dispose() => (Owner ?? Model).Dispose();
}

/// <summary>How the cluster ran: its shape, where an average step's time went (slot 0's view) and
/// what an average step moved per slot (every slot's records).</summary>
internal sealed record ClusterFigures(int Silos, int Slots, IReadOnlyDictionary<string, double> MeanPhaseSeconds, bool ReplicasIdentical)
{
    /// <summary>Bytes per step per slot, by exchange; null when no slot recorded a step.</summary>
    public StepTrafficFigures? Traffic { get; init; }
}
