using System.Text.Json.Serialization;
using BamOrleans.Checkpoints;
using BamOrleans.Core.Training;

namespace BamOrleans.Worker.Runs;

/// <summary>
/// Everything a slot needs to train its part of a run, stored in the run grain's settings: the
/// training config (which fixes the result), the dataset, the pixel statistics, and how the data
/// is sharded. Every slot of the run builds its replica from this one document.
/// </summary>
/// <param name="Config">The training config; its global batch is split evenly over the slots.</param>
/// <param name="Dataset">The training images.</param>
/// <param name="NormalizerMean">Per-channel mean the pixels are standardised with.</param>
/// <param name="NormalizerStd">Per-channel standard deviation.</param>
/// <param name="DataShards">How many data-shard grains the dataset is cut into.</param>
public sealed record RunDefinition(
    TrainingConfig Config,
    DatasetSpec Dataset,
    float[] NormalizerMean,
    float[] NormalizerStd,
    int DataShards)
{
    /// <summary>Slot 0 checkpoints the run every this many steps (0: never).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Slot 0 also checkpoints when this many minutes have passed since the last
    /// checkpoint (0: not by time). Bounds the work a preemption can lose when steps are slow.</summary>
    public double CheckpointEveryMinutes { get; init; }

    /// <summary>The checkpoint policy these settings make.</summary>
    [JsonIgnore]
    public CheckpointPolicy CheckpointPolicy => new(CheckpointEverySteps,
        CheckpointEveryMinutes > 0 ? TimeSpan.FromMinutes(CheckpointEveryMinutes) : null, KeepCheckpoints);

    /// <summary>Whether the run checkpoints at all.</summary>
    [JsonIgnore]
    public bool Checkpoints => CheckpointEverySteps > 0 || CheckpointEveryMinutes > 0;

    /// <summary>Complete checkpoints kept in the store; older ones are pruned.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>All problems with this definition, one line each naming the setting and the fix.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Config.Validate());
        if (DataShards < 1)
            problems.Add($"dataShards = {DataShards}: must be ≥ 1 (one per slot or more spreads the data).");
        if (NormalizerMean.Length == 0 || NormalizerMean.Length != NormalizerStd.Length)
            problems.Add($"normalizer: {NormalizerMean.Length} means and {NormalizerStd.Length} standard deviations; give one of each per channel.");
        if (NormalizerStd.Any(s => !(s > 0)))
            problems.Add("normalizer: every standard deviation must be > 0.");
        if (CheckpointEverySteps < 0)
            problems.Add($"checkpointEverySteps = {CheckpointEverySteps}: must be ≥ 0 (0 turns checkpoints off).");
        if (!(CheckpointEveryMinutes >= 0) || double.IsInfinity(CheckpointEveryMinutes))
            problems.Add($"checkpointEveryMinutes = {CheckpointEveryMinutes}: must be a finite number ≥ 0 (0: not by time).");
        if (KeepCheckpoints < 1)
            problems.Add($"keepCheckpoints = {KeepCheckpoints}: keep at least 1, or a corrupt newest checkpoint leaves nothing to resume from.");
        if (string.IsNullOrWhiteSpace(Dataset.Path))
            problems.Add("dataset.path is empty: name the directory the silos read the images from.");
        return problems;
    }
}
