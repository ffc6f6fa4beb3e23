using BamOrleans.Grains.Steps;
using Orleans.Concurrency;

namespace BamOrleans.Grains.Data;

/// <summary>
/// A run's shard pool and lease manager, keyed by run id. Plans, for every step, which dataset
/// indices each slot of the current generation trains on, leasing shards to slots so each slot
/// reads few shards, and makes every sample of an epoch be drawn exactly once (the drop-last tail
/// aside) even when slots come and go mid-epoch.
/// </summary>
/// <remarks>
/// <para>Planning is deterministic and covers all slots at once, so the answer does not depend on
/// which slot calls first: in slot order, a slot reads its leased shards (in lease order), then
/// leases the lowest free shard with samples left, then takes over the lease with most samples
/// left from another slot. Leases of slots no longer in the list go back to the pool first, at
/// their exact positions.</para>
/// <para>Positions are committed per step: drawing step s+1 commits step s. Drawing step s again
/// under a newer generation (membership changed mid-step) replans it from the same positions, so
/// nothing the aborted attempt drew is consumed. Repeating a draw returns the same indices.
/// A draw stamped older (generation or step) than the newest planned one is refused and counted
/// (<see cref="RefusalReason"/>), as is one for another run or one skipping a step.</para>
/// </remarks>
[Alias("bam.IDataPoolGrain")]
public interface IDataPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets the pool's settings and configures its shards (and, when the settings ask for a memory
    /// bank, the bank's shards beside them). Repeating equal settings is a no-op (and finishes a
    /// configuration that failed half-way); different settings throw
    /// <see cref="InvalidOperationException"/>, invalid ones <see cref="ArgumentException"/>.
    /// </summary>
    [Alias("Configure")]
    Task Configure(DataPoolSettings settings);

    /// <summary>
    /// The indices slot <paramref name="slotIndex"/> of <paramref name="slotIds"/> trains on at
    /// <paramref name="stamp"/>'s step. <paramref name="slotIds"/> is the generation's ordered slot
    /// list, the same for every slot of the generation; its size must divide the global batch.
    /// A stale or skipping stamp is answered with <see cref="SlotDraw.Refused"/> set; a bad slot
    /// list or index throws <see cref="ArgumentException"/>.
    /// </summary>
    [Alias("Draw")]
    Task<SlotDraw> Draw(StepStamp stamp, IReadOnlyList<string> slotIds, int slotIndex);

    /// <summary>
    /// The ledger after <paramref name="step"/>, for a checkpoint taken at the boundary after that
    /// step: known while <paramref name="step"/> is the open or the last committed step, which is
    /// the case between its barrier and the draw of the step after next.
    /// </summary>
    [Alias("PositionsAfter"), ReadOnly]
    Task<DataPositions> PositionsAfter(long step);

    /// <summary>
    /// Puts a fresh pool (configured, nothing drawn yet: a cluster restarting from a checkpoint)
    /// at a checkpoint's positions; the next draw must be for the step after them. The new
    /// <paramref name="slotIds"/> (in slot order) take over the old slots' leases rank for rank
    /// when there are as many of them, so a resumed run draws exactly what the uninterrupted one would.
    /// </summary>
    [Alias("Restore")]
    Task Restore(DataPositions positions, IReadOnlyList<string> slotIds);

    /// <summary>
    /// Forgets everything, with its shards (data and memory bank): the activations end, and the
    /// next call starts a fresh pool, which <see cref="Restore"/> (and <see cref="RestoreMemory"/>)
    /// can put at a checkpoint's positions (and bank). For a run laid out
    /// again from a checkpoint while its pool lived on (positions never move back otherwise).
    /// </summary>
    [Alias("Discard")]
    Task Discard();

    /// <summary>
    /// The memory bank rows of <paramref name="indices"/> (dataset indices, repeats allowed: the
    /// batch's own images and sampled negatives) as <paramref name="stamp"/>'s step sees them:
    /// everything staged by earlier steps, nothing staged by this step (so a retry of the step
    /// reads what its first attempt read). A stamp older than one the bank has seen (generation,
    /// then step; or at or before a restored checkpoint's step) is answered with
    /// <see cref="MemoryRows.Refused"/> set and counted. Throws <see cref="InvalidOperationException"/>
    /// when the run keeps no memory bank (<see cref="DataPoolSettings.MemoryWidth"/> = 0).
    /// </summary>
    [Alias("ReadMemory")]
    Task<MemoryRows> ReadMemory(StepStamp stamp, int[] indices);

    /// <summary>
    /// Stages <paramref name="stamp"/>'s update of the bank: <paramref name="rows"/> (row-major,
    /// MemoryWidth floats per index, in the order of <paramref name="indices"/>, each index once).
    /// It becomes visible to the next step's reads; staging the same step again (a retry under a
    /// newer generation) replaces the whole update, so a step never applies twice. Stage once per
    /// step, before the step completes (an empty update when nothing changes), so the bank knows the
    /// step's end (<see cref="MemoryAfter"/>). Null when staged, else why it was refused (and counted).
    /// </summary>
    [Alias("StageMemory")]
    Task<RefusalReason?> StageMemory(StepStamp stamp, int[] indices, float[] rows);

    /// <summary>
    /// The whole bank (DatasetSize rows in index order) as of the end of <paramref name="step"/>, for
    /// a checkpoint taken at the boundary after that step: known while <paramref name="step"/> is the
    /// last staged or committed step, i.e. until the step after next stages its update.
    /// </summary>
    [Alias("MemoryAfter"), ReadOnly]
    Task<MemorySnapshot> MemoryAfter(long step);

    /// <summary>
    /// Puts a fresh pool's bank (nothing read or staged yet) at a checkpoint's rows. Call it after
    /// <see cref="Restore"/>: the bank must be after the same step as the positions.
    /// </summary>
    [Alias("RestoreMemory")]
    Task RestoreMemory(MemorySnapshot memory);

    /// <summary>Epoch, committed step, every shard's position and lease holder, and refusals by reason.</summary>
    [Alias("GetSnapshot"), ReadOnly]
    Task<DataPoolSnapshot> GetSnapshot();
}
