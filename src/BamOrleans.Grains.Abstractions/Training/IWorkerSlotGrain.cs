namespace BamOrleans.Grains.Training;

/// <summary>
/// One device slot (a GPU, or a CPU slot here) of one silo in one run. Key: the silo-pinned key
/// of the slot's silo and "{runId}/{k}", so the grain always activates on that silo — where the
/// slot's model lives — and never elsewhere: if the silo is gone, so is the slot.
/// The grain is the cluster-visible handle; the training loop runs in a silo-local service it
/// controls (the loop does tensor work for seconds at a time, which must not block a grain turn).
/// </summary>
[Alias("bam.IWorkerSlotGrain")]
public interface IWorkerSlotGrain : IGrainWithStringKey
{
    /// <summary>Builds the slot's model from the run's settings, registers it with the run and
    /// starts its loop (it trains while the run is Running). Repeating it is a no-op.</summary>
    [Alias("Join")]
    Task<SlotReport> Join();

    /// <summary>Stops the loop after the current step and unregisters the slot from the run.</summary>
    [Alias("Leave")]
    Task<SlotReport> Leave();

    [Alias("GetReport")]
    Task<SlotReport> GetReport();

    /// <summary>Every step this slot took part in that completed, oldest first, from
    /// <paramref name="fromStep"/> on.</summary>
    [Alias("GetHistory")]
    Task<IReadOnlyList<SlotStepRecord>> GetHistory(long fromStep);

    /// <summary>The student's parameters and buffers as they are now (between steps).</summary>
    [Alias("ExportModel")]
    Task<ModelSnapshot> ExportModel();
}
