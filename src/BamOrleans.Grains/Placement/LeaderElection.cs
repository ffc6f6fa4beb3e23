namespace BamOrleans.Grains.Placement;

/// <summary>
/// Which silo leads: the active silo that joined first, i.e. the smallest
/// <see cref="SiloAddress.Generation"/> (a silo's start time in seconds), ties broken by the ordinal
/// order of <see cref="SiloAddress.ToParsableString"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why this rule: it needs no election protocol and no extra state. Every silo reads the same
/// membership table, so every silo that has caught up with it names the same leader, and the leader
/// changes only when it leaves: a silo joining later is younger. When the leader dies or shuts down,
/// the next oldest active silo becomes leader, and the next activation of a leader-placed grain lands
/// there.
/// </para>
/// <para>
/// Generations come from each machine's own clock, so "younger" holds as long as the machines' clocks
/// agree to better than the time between two silo starts; a silo started on a machine whose clock is
/// far behind could take over leadership for new activations when it joins.
/// </para>
/// <para>
/// Views may disagree for a moment (one silo has not yet heard of a death). Orleans' grain directory
/// still allows a single activation per grain, so the worst case is a grain placed on the previous
/// answer; it is moved only when that activation ends.
/// </para>
/// </remarks>
public static class LeaderElection
{
    /// <summary>The leader among <paramref name="activeSilos"/> (duplicates allowed).</summary>
    /// <exception cref="ArgumentException"><paramref name="activeSilos"/> is empty.</exception>
    public static SiloAddress Choose(IEnumerable<SiloAddress> activeSilos)
    {
        ArgumentNullException.ThrowIfNull(activeSilos);
        SiloAddress? leader = null;
        foreach (var silo in activeSilos)
        {
            ArgumentNullException.ThrowIfNull(silo, nameof(activeSilos));
            if (leader is null || JoinedBefore(silo, leader)) leader = silo;
        }
        return leader ?? throw new ArgumentException(
            "no active silo to choose a leader from; the cluster has no active member in this view", nameof(activeSilos));
    }

    /// <summary>The leader of a membership view: <see cref="Choose(IEnumerable{SiloAddress})"/> over its active members.</summary>
    /// <exception cref="ArgumentException">The view has no active member.</exception>
    public static SiloAddress Choose(ClusterMembershipSnapshot membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return Choose(ActiveSilos(membership));
    }

    /// <summary>The members of a view whose status is <see cref="SiloStatus.Active"/>.</summary>
    public static IEnumerable<SiloAddress> ActiveSilos(ClusterMembershipSnapshot membership) =>
        membership.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private static bool JoinedBefore(SiloAddress a, SiloAddress b) =>
        a.Generation != b.Generation
            ? a.Generation < b.Generation
            : string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()) < 0;
}
