using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Training;

namespace BamOrleans.Grains.Runs;

/// <summary>Which slots a run's plan puts on which silos: the same rule for a launch and a recovery.</summary>
internal static class RunSlotLayout
{
    /// <summary>The first <paramref name="count"/> active silos in address order, or null when fewer are active.</summary>
    public static IReadOnlyList<SiloAddress>? ChooseSilos(int count, ClusterMembershipSnapshot membership)
    {
        var active = LeaderElection.ActiveSilos(membership).Distinct()
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        return active.Count < count ? null : active.Take(count).ToList();
    }

    /// <summary>Number of active silos in a view.</summary>
    public static int ActiveCount(ClusterMembershipSnapshot membership) => LeaderElection.ActiveSilos(membership).Distinct().Count();

    /// <summary>The slot keys, in slot order (sorted, which is the order the steps use).</summary>
    public static IReadOnlyList<string> SlotKeys(string runId, RunLaunchPlan plan, IEnumerable<SiloAddress> silos) =>
        silos.SelectMany(s => Enumerable.Range(0, plan.SlotsPerSilo).Select(k => GrainKeys.WorkerSlot(s, runId, k)))
            .Order(StringComparer.Ordinal).ToList();
}
