namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>What a preemption trace does to the cluster.</summary>
internal enum ChaosEventKind
{
    /// <summary>SIGKILL of a silo that is not the leader: a spot node gone without notice.</summary>
    Kill9,

    /// <summary>SIGTERM of a live silo (the leader may be drawn): an eviction notice, after which
    /// the silo must drain and leave by itself.</summary>
    Terminate,

    /// <summary>SIGKILL of the leader, the silo that holds the run, pool and aggregator grains.</summary>
    KillLeader,

    /// <summary>SIGKILL of every live silo at once: the whole pool reclaimed.</summary>
    KillAll,

    /// <summary>New silo processes (fresh ports) on the same cluster id and store.</summary>
    StartReplacement,

    /// <summary>SIGSTOP of a silo that is not the leader until the run has gone on without it, then
    /// SIGCONT: a node that stalled, was declared dead, and comes back with stale messages in flight.
    /// Its stale reports must be refused, and Orleans makes a silo declared dead stop itself.</summary>
    Zombie,
}

/// <summary>One event of a trace.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="AfterSteps">Fired once the run has completed this many steps past the point where
/// the previous event's effect was seen (0: as soon as it was seen). Steps, not seconds, so the
/// trace means the same on a slow or loaded machine.</param>
/// <param name="Pick">Seeded draw naming the victim among the candidates alive at that moment
/// (index <c>Pick % candidates</c>, candidates in start order); unused by the other kinds.</param>
/// <param name="Count">Silos started by <see cref="ChaosEventKind.StartReplacement"/>.</param>
/// <param name="Immediately">Fired right after the previous event, before its effect is awaited
/// (<paramref name="AfterSteps"/> is then ignored): a replacement node requested the moment its
/// predecessor is preempted, booting while the cluster recovers; and the restart that the loss of
/// every silo needs before anything can recover.</param>
internal sealed record PreemptionEvent(ChaosEventKind Kind, int AfterSteps, int Pick = 0, int Count = 0, bool Immediately = false)
{
    /// <summary>Whether the event takes silos away.</summary>
    public bool Kills => Kind is not ChaosEventKind.StartReplacement;

    public override string ToString() => Kind switch
    {
        ChaosEventKind.StartReplacement => $"{(Immediately ? "at once" : $"+{AfterSteps} steps")}: start {Count} silo{(Count == 1 ? "" : "s")}",
        ChaosEventKind.Kill9 or ChaosEventKind.Terminate or ChaosEventKind.Zombie => $"+{AfterSteps} steps: {Kind} (pick {Pick})",
        _ => $"+{AfterSteps} steps: {Kind}",
    };
}
