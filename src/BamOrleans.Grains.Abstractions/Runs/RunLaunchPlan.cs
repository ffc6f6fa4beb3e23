using BamOrleans.Grains.Data;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// How a run is laid out on the cluster, stored with the run so that the cluster can lay it out
/// again by itself after every silo was lost: which silos get slots, how many each, what the data
/// pool holds, and the step at which the run is done.
/// </summary>
/// <param name="Silos">The run takes the first this-many active silos, in address order. After a
/// restart it waits until that many are active, so the slots, the split of the global batch and
/// therefore the result are those of the run before the loss.</param>
/// <param name="SlotsPerSilo">Worker slots on each of those silos (its devices; 1 per CPU silo).</param>
/// <param name="Pool">The data pool's settings (dataset size, shards, global batch, seed).</param>
/// <param name="PlannedSteps">The run completes when this many steps are done.</param>
[GenerateSerializer, Immutable, Alias("bam.RunLaunchPlan")]
public sealed record RunLaunchPlan(
    [property: Id(0)] int Silos,
    [property: Id(1)] int SlotsPerSilo,
    [property: Id(2)] DataPoolSettings Pool,
    [property: Id(3)] long PlannedSteps)
{
    /// <summary>Worker slots in all.</summary>
    public int SlotCount => Silos * SlotsPerSilo;

    /// <summary>Every problem with the plan, each naming the fix; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Pool.Validate());
        if (Silos < 1) problems.Add($"silos = {Silos}: a run needs at least one silo.");
        if (SlotsPerSilo < 1) problems.Add($"slotsPerSilo = {SlotsPerSilo}: put at least one slot on each silo.");
        if (PlannedSteps < 1) problems.Add($"plannedSteps = {PlannedSteps}: a run trains at least one step.");
        if (Silos >= 1 && SlotsPerSilo >= 1 && Pool.GlobalBatch % SlotCount != 0)
            problems.Add($"globalBatch = {Pool.GlobalBatch} does not split over {SlotCount} slots ({Silos} silos × {SlotsPerSilo}): use a multiple of {SlotCount}.");
        return problems;
    }
}
