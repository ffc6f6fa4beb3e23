namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// A seeded preemption trace: what happens to the silos, in order, each event triggered by the
/// run's progress. The same seed gives the same trace; which process a pick lands on depends only
/// on the silos alive then, which the trace itself determines.
/// </summary>
internal sealed record PreemptionTrace(int Seed, IReadOnlyList<PreemptionEvent> Events)
{
    /// <summary>
    /// The CI trace: each kind once, in the order the design lists them: kill -9 of a non-leader,
    /// SIGTERM of one silo, kill -9 of the leader, kill -9 of every silo; each followed at once by
    /// the start of a replacement (all of them after the loss of everything), which boots while the
    /// cluster recovers and joins at a step boundary. (Started later, a replacement's ~10 s boot
    /// would need ~50 more steps of this tiny run per loss to fit before the run ends.) Gaps of 3–4
    /// steps leave room for a checkpoint (every 2 steps) between a recovery and the next loss.
    /// </summary>
    /// <param name="silos">The silos the run starts on (and the restart count after the loss of all).</param>
    public static PreemptionTrace Short(int seed, int silos = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 2);
        var random = new Random(seed);
        int Gap() => 3 + random.Next(2);
        return new PreemptionTrace(seed,
        [
            new(ChaosEventKind.Kill9, Gap(), Pick: random.Next(1000)),
            new(ChaosEventKind.StartReplacement, 0, Count: 1, Immediately: true),
            new(ChaosEventKind.Terminate, Gap(), Pick: random.Next(1000)),
            new(ChaosEventKind.StartReplacement, 0, Count: 1, Immediately: true),
            new(ChaosEventKind.KillLeader, Gap()),
            new(ChaosEventKind.StartReplacement, 0, Count: 1, Immediately: true),
            new(ChaosEventKind.KillAll, Gap()),
            new(ChaosEventKind.StartReplacement, 0, Count: silos, Immediately: true),
        ]);
    }

    /// <summary>
    /// The bench trace: <paramref name="losses"/> losses drawn by the seed (kill -9 of a non-leader
    /// most often, then SIGTERM, the leader and a zombie; every seventh loss is of everything), each
    /// followed by a replacement once the survivors have trained 2–4 steps on their own (a restart of
    /// all at once after the loss of everything), so the cluster keeps <paramref name="silos"/>
    /// silos between losses. The first losses are one of each kind, so even a short bench measures every kind.
    /// </summary>
    public static PreemptionTrace Long(int seed, int losses, int silos = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(losses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 2);
        var random = new Random(seed);
        ChaosEventKind[] opening = [ChaosEventKind.Kill9, ChaosEventKind.Terminate, ChaosEventKind.KillLeader, ChaosEventKind.KillAll];
        var events = new List<PreemptionEvent>();
        for (var i = 0; i < losses; i++)
        {
            var kind = i < opening.Length ? opening[i]
                : (i + 1) % 7 == 0 ? ChaosEventKind.KillAll
                : random.Next(10) switch
                {
                    < 4 => ChaosEventKind.Kill9,
                    < 6 => ChaosEventKind.Terminate,
                    < 8 => ChaosEventKind.KillLeader,
                    _ => ChaosEventKind.Zombie,
                };
            events.Add(new PreemptionEvent(kind, 3 + random.Next(4), Pick: random.Next(1000)));
            events.Add(kind == ChaosEventKind.KillAll
                ? new PreemptionEvent(ChaosEventKind.StartReplacement, 0, Count: silos, Immediately: true)
                : new PreemptionEvent(ChaosEventKind.StartReplacement, 2 + random.Next(3), Count: 1));
        }
        return new PreemptionTrace(seed, events);
    }

    /// <summary>Steps the trace needs at the least (its gaps): a run shorter than this ends first.</summary>
    public int MinimumSteps => Events.Sum(e => e.AfterSteps);

    public override string ToString() => $"seed {Seed}: " + string.Join("; ", Events);
}
