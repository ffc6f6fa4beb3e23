using BamOrleans.Grains.Placement;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// The run's rules for a changing cluster, as pure functions of the roster, the membership view
/// and the launch plan: which silos were lost, how many silos the run can train on, and which
/// silos join or step aside. <see cref="RunGrain"/> applies the decisions.
/// </summary>
/// <remarks>
/// Global-batch policy ("keep"): the global batch never changes, so a step means the same thing
/// whatever the membership (same learning rate, same schedules, and, with the same slots, the same
/// result as a run without failures). It is re-split evenly over the slots, which therefore must
/// divide it: the run trains on the largest number of silos, at most the plan's, whose slots
/// split the batch. Silos beyond that stand by and join when the count allows it again.
/// </remarks>
internal static class ElasticMembership
{
    /// <summary>The roster's silos that the view no longer lists as active (dead, shutting down,
    /// or unknown), in address order.</summary>
    public static IReadOnlyList<SiloAddress> LostSilos(IReadOnlyDictionary<string, SiloAddress> roster, ClusterMembershipSnapshot view)
    {
        var active = LeaderElection.ActiveSilos(view).ToHashSet();
        return roster.Values.Distinct().Where(s => !active.Contains(s)).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
    }

    /// <summary>The largest k ≤ min(<paramref name="available"/>, <paramref name="planned"/>) such that
    /// k × <paramref name="slotsPerSilo"/> slots split <paramref name="globalBatch"/> evenly; 0 when none does.</summary>
    public static int UsableSilos(int globalBatch, int slotsPerSilo, int available, int planned)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(globalBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerSilo, 1);
        for (var k = Math.Min(available, planned); k >= 1; k--)
            if (globalBatch % (k * slotsPerSilo) == 0) return k;
        return 0;
    }

    /// <summary>
    /// What to change now that the view is <paramref name="view"/>: silos to admit (active, not in
    /// the roster, oldest address first) up to the usable count, or roster silos to stand aside
    /// (the highest addresses) when the roster's silos no longer split the batch.
    /// </summary>
    public static MembershipChange Decide(IReadOnlyDictionary<string, SiloAddress> roster, ClusterMembershipSnapshot view, RunLaunchPlan plan)
    {
        var rosterSilos = roster.Values.Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        var candidates = LeaderElection.ActiveSilos(view).Distinct().Except(rosterSilos)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        var usable = UsableSilos(plan.Pool.GlobalBatch, plan.SlotsPerSilo, rosterSilos.Count + candidates.Count, plan.Silos);
        if (usable > rosterSilos.Count)
            return new MembershipChange(candidates.Take(usable - rosterSilos.Count).ToList(), []);
        var keep = UsableSilos(plan.Pool.GlobalBatch, plan.SlotsPerSilo, rosterSilos.Count, plan.Silos);
        return keep >= 1 && keep < rosterSilos.Count
            ? new MembershipChange([], rosterSilos.Skip(Math.Max(keep, 0)).ToList())
            : MembershipChange.None;
    }
}

/// <param name="Admit">Silos whose slots join the run at the next step boundary.</param>
/// <param name="StandAside">Silos whose slots leave the run (they stay in the cluster as standbys).</param>
internal sealed record MembershipChange(IReadOnlyList<SiloAddress> Admit, IReadOnlyList<SiloAddress> StandAside)
{
    public static readonly MembershipChange None = new([], []);

    public bool IsNone => Admit.Count == 0 && StandAside.Count == 0;
}
