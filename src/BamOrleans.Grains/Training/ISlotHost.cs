namespace BamOrleans.Grains.Training;

/// <summary>
/// The silo-local service that owns this silo's worker slots: their models, optimizers and
/// training loops. The worker-slot grain is its cluster-visible handle; the host process supplies
/// the implementation (the loop needs datasets and devices, which grains know nothing of).
/// </summary>
public interface ISlotHost
{
    /// <summary>Starts slot <paramref name="slotId"/> of run <paramref name="runId"/> on this silo
    /// (a no-op if it runs already).</summary>
    Task<SlotReport> Join(string slotId, string runId);

    /// <summary>Stops the slot's loop after its current step and unregisters it from the run.</summary>
    Task<SlotReport> Leave(string slotId);

    SlotReport Report(string slotId);

    IReadOnlyList<SlotStepRecord> History(string slotId, long fromStep);

    /// <summary>The slot's student model between steps.</summary>
    ModelSnapshot Export(string slotId);
}
