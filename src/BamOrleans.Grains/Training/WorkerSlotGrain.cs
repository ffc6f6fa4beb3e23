using BamOrleans.Grains.Placement;

namespace BamOrleans.Grains.Training;

/// <summary>
/// A worker slot's handle. Pinned to the silo its key names, so it only ever activates where its
/// slot's model is; everything it does is delegated to the silo's <see cref="ISlotHost"/>.
/// </summary>
/// <remarks>Holds no state of its own: if the grain is collected while idle, the next call
/// re-activates it on the same silo and finds the slot in the host unchanged.</remarks>
[SiloPinnedPlacement]
internal sealed class WorkerSlotGrain(ISlotHost host) : Grain, IWorkerSlotGrain
{
    private string SlotId => this.GetPrimaryKeyString();

    /// <summary>The run id: the local part of the key is "{runId}/{k}".</summary>
    private string RunId
    {
        get
        {
            var local = SiloPinnedKey.LocalKeyOf(SlotId);
            var slash = local.LastIndexOf('/');
            if (slash <= 0)
                throw new ArgumentException($"worker slot key '{SlotId}' must end in \"{{runId}}/{{slot}}\": build it with GrainKeys.WorkerSlot.");
            return local[..slash];
        }
    }

    public Task<SlotReport> Join() => host.Join(SlotId, RunId);

    public Task<SlotReport> Leave() => host.Leave(SlotId);

    public Task<SlotReport> GetReport() => Task.FromResult(host.Report(SlotId));

    public Task<IReadOnlyList<SlotStepRecord>> GetHistory(long fromStep) => Task.FromResult(host.History(SlotId, fromStep));

    public Task<ModelSnapshot> ExportModel() => Task.FromResult(host.Export(SlotId));
}
