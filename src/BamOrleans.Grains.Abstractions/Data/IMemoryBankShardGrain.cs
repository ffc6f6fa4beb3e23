using BamOrleans.Grains.Steps;
using Orleans.Concurrency;

namespace BamOrleans.Grains.Data;

/// <summary>
/// The memory bank rows of one data shard's indices, keyed <c>{runId}/{shardIndex}</c> like the
/// data shard it sits beside (see <see cref="DataShardKey"/>). Reads and writes come through the
/// run's <see cref="IDataPoolGrain"/>, which routes each index to its shard; updates are staged per
/// step and committed when a later step reads or stages (see <see cref="IDataPoolGrain.StageMemory"/>).
/// A stamp older than one the shard has seen (generation, then step) is refused, not applied.
/// </summary>
[Alias("bam.IMemoryBankShardGrain")]
public interface IMemoryBankShardGrain : IGrainWithStringKey
{
    /// <summary>Gives the shard the run's settings (its index comes from its key; the width from
    /// <see cref="DataPoolSettings.MemoryWidth"/>). Repeating equal settings is a no-op; different ones throw.</summary>
    [Alias("Configure")]
    Task Configure(DataPoolSettings settings);

    /// <summary>The committed rows of <paramref name="indices"/> (all in this shard's range) as
    /// <paramref name="stamp"/>'s step sees them; an earlier step's staged update is committed first.</summary>
    [Alias("Read")]
    Task<MemoryRows> Read(StepStamp stamp, int[] indices);

    /// <summary>Stages <paramref name="stamp"/>'s update of <paramref name="indices"/> (possibly none:
    /// an empty stage still replaces a previous attempt's), replacing one staged for the same step.
    /// Null when staged, else why it was refused.</summary>
    [Alias("Stage")]
    Task<RefusalReason?> Stage(StepStamp stamp, int[] indices, float[] rows);

    /// <summary>The shard's rows (its range, in index order) as of the end of <paramref name="step"/>.</summary>
    [Alias("After"), ReadOnly]
    Task<MemorySnapshot> After(long step);

    /// <summary>Puts a fresh shard at its slice of a checkpoint's bank.</summary>
    [Alias("Restore")]
    Task Restore(MemorySnapshot rows);

    /// <summary>Forgets everything: the activation ends, and the next call starts a fresh shard.</summary>
    [Alias("Discard")]
    Task Discard();
}
