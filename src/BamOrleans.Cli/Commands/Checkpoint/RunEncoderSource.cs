using BamOrleans.Checkpoints;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Grains.Runs;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>
/// A run's trained encoder as stored in its checkpoints: the student's state dict of one verified
/// checkpoint and, from the run definition the checkpoint carries, the encoder options, seed and
/// pixel normalizer that make it an encoder file (<see cref="EncoderExport"/>).
/// </summary>
internal static class RunEncoderSource
{
    /// <summary>The checkpoint at <paramref name="step"/>, or the newest that verifies when null.</summary>
    /// <exception cref="CorruptCheckpointException">The checkpoint asked for (or every one) is damaged.</exception>
    /// <exception cref="ArgumentException">The run has no such checkpoint.</exception>
    public static async Task<(LoadedCheckpoint Checkpoint, EncoderFileMetadata Metadata)> Load(IBlobStore store, string run, long? step, ILogger log)
    {
        var reader = RunCheckpoints.Reader(store, run, log);
        var committed = await reader.ListCommitted();
        if (committed.Count == 0)
            throw new ArgumentException($"run '{run}' has no committed checkpoint under {reader.Prefix} in {store.Description}: check the run id and the store options (`bam checkpoint list {run}`).");
        LoadedCheckpoint checkpoint;
        if (step is { } wanted)
        {
            if (!committed.Contains(wanted))
                throw new ArgumentException($"run '{run}' has no committed checkpoint at step {wanted}; its checkpoints are at steps {string.Join(", ", committed.Order())}.");
            checkpoint = await reader.Load(wanted);
        }
        else
        {
            checkpoint = await reader.LoadLatest() ?? throw await NoneVerifies(store, run, log, committed.Count);
        }
        return (checkpoint, Metadata(run, checkpoint));
    }

    /// <summary>The encoder-file metadata of a checkpoint of a cluster run (whose run definition is
    /// <see cref="RunDefinitionJson"/>).</summary>
    public static EncoderFileMetadata Metadata(string run, LoadedCheckpoint checkpoint)
    {
        // The definition validated when the run started; it is read here only for the encoder.
        var definition = RunDefinitionJson.FromSettings(new RunSettings(RunDefinitionJson.Format, checkpoint.RunDefinition));
        using var encoder = Core.Models.Encoder.Create(definition.Config.Model, definition.Config.Seed);
        return new EncoderFileMetadata(run, checkpoint.NextStep, definition.Config.Seed, definition.Config.Model, encoder.FeatureDim,
            definition.NormalizerMean, definition.NormalizerStd, checkpoint.Manifest);
    }

    /// <summary>The error for a run none of whose checkpoints verifies, naming the newest one's damaged blob.</summary>
    private static async Task<CorruptCheckpointException> NoneVerifies(IBlobStore store, string run, ILogger log, int count)
    {
        var newest = (await CheckpointInventory.Read(store, run, log)).Checkpoints.First(c => c.Status == CheckpointStatus.Damaged);
        return new CorruptCheckpointException(newest.DamagedBlob!,
            $"{newest.Problem}; none of the {count} checkpoints of run '{run}' verifies, so there is nothing to use");
    }
}
