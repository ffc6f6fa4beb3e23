using BamOrleans.Core.Data;
using BamOrleans.Core.Training;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cli.Config;

/// <summary>
/// A cluster run as a run config file describes it, complete and validated: what to train and on
/// which data (the parts of a <see cref="RunDefinition"/>), and how to lay the run out on the
/// cluster. Records all the way down, so two loads of the same settings compare equal.
/// </summary>
/// <param name="Training">Everything that decides the result.</param>
/// <param name="Dataset">The images, as every silo resolves them.</param>
/// <param name="DataShards">Data-shard grains the training set is cut into.</param>
/// <param name="Checkpoints">When to checkpoint and how many checkpoints to keep.</param>
/// <param name="SlotsPerSilo">Worker slots on each silo (its device count).</param>
/// <param name="SiloLimit">Use only the first this-many active silos; null: all of them.</param>
/// <param name="RunId">The run's id (a run whose checkpoints exist resumes); null: the command picks a new one.</param>
internal sealed record RunConfig(
    TrainingConfig Training,
    DatasetSpec Dataset,
    int DataShards,
    RunCheckpointSettings Checkpoints,
    int SlotsPerSilo,
    int? SiloLimit,
    string? RunId)
{
    /// <summary>Pixel statistics for the data's channel count, as `bam local` picks them when none
    /// are measured (Fashion-MNIST's for one channel, ImageNet's for three).</summary>
    public PixelNormalizer Normalizer => PixelNormalizer.ForChannels(Training.Encoder.InChannels);

    /// <summary>The document the run grain stores and every slot builds its replica from.</summary>
    public RunDefinition ToRunDefinition() =>
        new(Training, Dataset, Normalizer.Mean, Normalizer.Std, DataShards)
        {
            CheckpointEverySteps = Checkpoints.EverySteps,
            CheckpointEveryMinutes = Checkpoints.EveryMinutes,
            KeepCheckpoints = Checkpoints.Keep,
        };
}
