using BamOrleans.Grains.Data;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>
/// The pool's bookkeeping without grains: plans steps with <see cref="ShardDrawPlanner"/>, reads
/// indices with <see cref="ShardOrder"/>, and commits a step when the next one is planned. Tests use
/// it to drive the planner through epochs and to predict what the grains must answer.
/// </summary>
internal sealed class PlannedRun(DataPoolSettings settings)
{
    private readonly int[] _sizes = Enumerable.Range(0, settings.ShardCount).Select(j => settings.RangeOf(j).Count).ToArray();

    public DataPoolSettings Settings { get; } = settings;

    /// <summary>The ledger after the last committed step.</summary>
    public LeaseBook Committed { get; private set; } = LeaseBook.Fresh(settings.ShardCount);

    /// <summary>The step the next <see cref="Step"/> plans.</summary>
    public long NextStep { get; private set; }

    /// <summary>Plans <see cref="NextStep"/> from the committed ledger without committing it (an attempt that may be aborted).</summary>
    public (StepPlan Plan, int[][] Indices) Attempt(IReadOnlyList<string> slots)
    {
        var plan = ShardDrawPlanner.Plan(Committed, _sizes, Settings.EpochOf(NextStep), slots, Settings.BatchPerSlot(slots.Count));
        return (plan, Enumerable.Range(0, slots.Count).Select(w => plan.IndicesOf(w, t => Read(plan.Epoch, t))).ToArray());
    }

    /// <summary>Plans and commits <see cref="NextStep"/>; returns each slot's indices.</summary>
    public (StepPlan Plan, int[][] Indices) Step(IReadOnlyList<string> slots)
    {
        var attempt = Attempt(slots);
        Committed = attempt.Plan.End;
        NextStep++;
        return attempt;
    }

    /// <summary>The dataset indices the ledger has not consumed yet in its epoch (drop-last tail included).</summary>
    public HashSet<int> Unconsumed() =>
        Enumerable.Range(0, Settings.ShardCount)
            .SelectMany(j => ShardOrder.Of(Settings.Seed, Committed.Epoch, j, Settings.RangeOf(j)).Skip(Committed.PositionOf(j)))
            .ToHashSet();

    public int[] Read(int epoch, ShardTake take) =>
        ShardOrder.Of(Settings.Seed, epoch, take.Shard, Settings.RangeOf(take.Shard)).AsSpan(take.From, take.Count).ToArray();
}
