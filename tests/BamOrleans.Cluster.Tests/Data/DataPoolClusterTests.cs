using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The data pool and its shard grains, called through a client on three in-process silos.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class DataPoolClusterTests(InProcessCluster cluster)
{
    // 8 steps an epoch (4 samples dropped); 12 splits over 1, 2, 3 and 4 slots.
    private static readonly DataPoolSettings Settings = new(Seed: 17, DatasetSize: 100, ShardCount: 7, GlobalBatch: 12);
    private static readonly string[] ThreeSlots = ["slot-a", "slot-b", "slot-c"];

    private async Task<(IDataPoolGrain Pool, string RunId)> ConfiguredPool()
    {
        var runId = $"run-{Guid.NewGuid():N}";
        var pool = cluster.Client.GetGrain<IDataPoolGrain>(runId);
        await pool.Configure(Settings);
        return (pool, runId);
    }

    /// <summary>Every slot draws at once, in a random order, and one of them also retries at once; returns each slot's indices.</summary>
    private static async Task<int[][]> DrawConcurrently(IDataPoolGrain pool, StepStamp stamp, IReadOnlyList<string> slots, Random random)
    {
        var order = Enumerable.Range(0, slots.Count).OrderBy(_ => random.Next()).ToList();
        order.Add(order[random.Next(order.Count)]);
        var calls = order.Select(w => (Slot: w, Draw: pool.Draw(stamp, slots, w))).ToList();
        await Task.WhenAll(calls.Select(c => c.Draw));

        var indices = new int[slots.Count][];
        foreach (var (slot, call) in calls)
        {
            var draw = await call;
            Assert.Null(draw.Refused);
            Assert.Equal(stamp, draw.Stamp);
            Assert.Equal(Settings.EpochOf(stamp.Step), draw.Epoch);
            if (indices[slot] is { } first) Assert.Equal(first, draw.Indices); // the retry got the same
            else indices[slot] = draw.Indices;
        }
        return indices;
    }

    [Fact]
    public async Task Concurrent_draws_cover_an_epoch_exactly_once_as_planned_and_a_stale_stamp_is_refused_counted_and_changes_nothing()
    {
        var (pool, runId) = await ConfiguredPool();
        var expected = new PlannedRun(Settings);
        var random = new Random(31);
        var seen = new List<int>();

        for (var step = 0; step < Settings.StepsPerEpoch; step++)
        {
            var drawn = await DrawConcurrently(pool, new StepStamp(runId, 1, step), ThreeSlots, random);
            Assert.All(drawn, d => Assert.Equal(4, d.Length));
            Assert.Equal(expected.Step(ThreeSlots).Indices, drawn); // whatever the call order, the pure plan
            seen.AddRange(drawn.SelectMany(d => d));
        }
        Assert.Equal(Settings.StepsPerEpoch * Settings.GlobalBatch, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(seen, i => Assert.InRange(i, 0, Settings.DatasetSize - 1));

        var before = await pool.GetSnapshot();
        Assert.Equal((0, 6L, new StepStamp(runId, 1, 7)), (before.Epoch, before.CommittedStep, before.Planned));
        var open = await pool.Draw(new StepStamp(runId, 1, 7), ThreeSlots, 1);

        var late = await pool.Draw(new StepStamp(runId, 1, 5), ThreeSlots, 0);
        Assert.Equal(RefusalReason.StaleStep, late.Refused);
        Assert.Empty(late.Indices);
        Assert.Equal(RefusalReason.StaleGeneration, (await pool.Draw(new StepStamp(runId, 0, 7), ThreeSlots, 2)).Refused);
        Assert.Equal(RefusalReason.WrongRun, (await pool.Draw(new StepStamp("another-run", 1, 8), ThreeSlots, 2)).Refused);
        Assert.Equal(RefusalReason.FutureStep, (await pool.Draw(new StepStamp(runId, 1, 9), ThreeSlots, 2)).Refused);

        var after = await pool.GetSnapshot();
        Assert.Equal((before.Epoch, before.CommittedStep, before.Planned), (after.Epoch, after.CommittedStep, after.Planned));
        Assert.Equal(before.Shards, after.Shards);
        Assert.Equal(4, after.TotalRefusals);
        foreach (var reason in new[] { RefusalReason.StaleStep, RefusalReason.StaleGeneration, RefusalReason.WrongRun, RefusalReason.FutureStep })
            Assert.Equal(1, after.RefusalsFor(reason));
        Assert.Equal(open.Indices, (await pool.Draw(new StepStamp(runId, 1, 7), ThreeSlots, 1)).Indices);

        // The shard grains hold the same committed positions as the pool's ledger.
        foreach (var lease in after.Shards)
        {
            var state = await cluster.Client.GetGrain<IDataShardGrain>(DataShardKey.Of(runId, lease.Shard)).GetState();
            Assert.Equal((lease.Range, 0, lease.Position), (state.Range, state.Epoch, state.Position));
        }
        Assert.Equal(Settings.StepsPerEpoch * Settings.GlobalBatch - Settings.GlobalBatch,
            after.Shards.Sum(s => s.Position)); // committed through step 6 of 8

        // The next step opens epoch 1: every shard starts again.
        var epoch1 = await DrawConcurrently(pool, new StepStamp(runId, 1, 8), ThreeSlots, random);
        Assert.Equal(expected.Step(ThreeSlots).Indices, epoch1);
        var snapshot = await pool.GetSnapshot();
        Assert.Equal((0, 7L), (snapshot.Epoch, snapshot.CommittedStep));
    }

    [Fact]
    public async Task A_step_redone_under_a_new_generation_consumes_nothing_of_the_aborted_attempt()
    {
        var (pool, runId) = await ConfiguredPool();
        var expected = new PlannedRun(Settings);
        var random = new Random(8);
        var seen = new List<int>();
        for (var step = 0; step < 3; step++)
        {
            var drawn = await DrawConcurrently(pool, new StepStamp(runId, 1, step), ThreeSlots, random);
            Assert.Equal(expected.Step(ThreeSlots).Indices, drawn);
            seen.AddRange(drawn.SelectMany(d => d));
        }

        // Step 3: a and b draw under generation 1, then c's silo dies before c draws.
        var abortedA = await pool.Draw(new StepStamp(runId, 1, 3), ThreeSlots, 0);
        Assert.Equal(expected.Attempt(ThreeSlots).Indices[0], abortedA.Indices);
        string[] survivors = ["slot-a", "slot-b"];
        var redo = await DrawConcurrently(pool, new StepStamp(runId, 2, 3), survivors, random);
        Assert.All(redo, d => Assert.Equal(6, d.Length));
        Assert.Equal(expected.Step(survivors).Indices, redo);
        seen.AddRange(redo.SelectMany(d => d));

        // c comes back with its old stamp: refused, counted, and nothing moved.
        var before = await pool.GetSnapshot();
        Assert.Equal(RefusalReason.StaleGeneration, (await pool.Draw(new StepStamp(runId, 1, 3), ThreeSlots, 2)).Refused);
        var after = await pool.GetSnapshot();
        Assert.Equal(before.Shards, after.Shards);
        Assert.Equal(new StepStamp(runId, 2, 3), after.Planned);
        Assert.Equal(1, after.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(1, after.TotalRefusals);

        for (var step = 4; step < Settings.StepsPerEpoch; step++)
        {
            var drawn = await DrawConcurrently(pool, new StepStamp(runId, 2, step), survivors, random);
            Assert.Equal(expected.Step(survivors).Indices, drawn);
            seen.AddRange(drawn.SelectMany(d => d));
        }
        Assert.Equal(Settings.StepsPerEpoch * Settings.GlobalBatch, seen.Distinct().Count());
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Null((await pool.GetSnapshot()).Shards.FirstOrDefault(s => s.Holder == "slot-c"));
    }

    [Fact]
    public async Task Configuration_is_fixed_once_given_and_caller_errors_throw_with_the_fix()
    {
        var runId = $"run-{Guid.NewGuid():N}";
        var pool = cluster.Client.GetGrain<IDataPoolGrain>(runId);
        var unconfigured = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Draw(new StepStamp(runId, 1, 0), ThreeSlots, 0));
        Assert.Contains("call Configure", unconfigured.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => pool.Configure(Settings with { ShardCount = 0 }));

        await pool.Configure(Settings);
        await pool.Configure(Settings); // equal settings: no-op
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Configure(Settings with { Seed = 18 }));
        Assert.Contains("Seed = 17", changed.Message);
        Assert.Contains("Seed = 18", changed.Message);
        var snapshot = await pool.GetSnapshot();
        Assert.Equal(Settings, snapshot.Settings);
        Assert.Equal(Settings.ShardCount, snapshot.Shards.Count);
        Assert.All(snapshot.Shards, s => Assert.Equal((0, (string?)null), (s.Position, s.Holder)));
        Assert.Equal(-1, snapshot.CommittedStep);
        Assert.Null(snapshot.Planned);

        var stamp = new StepStamp(runId, 1, 0);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pool.Draw(stamp, ThreeSlots, 3));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pool.Draw(stamp, ["slot-a", "slot-a", "slot-b"], 0));
        var uneven = await Assert.ThrowsAsync<ArgumentException>(() => pool.Draw(stamp, ["s0", "s1", "s2", "s3", "s4"], 0));
        Assert.Contains("does not split evenly over 5 slots", uneven.Message);
        Assert.Null((await pool.GetSnapshot()).Planned); // caller errors change nothing

        await pool.Draw(stamp, ThreeSlots, 0);
        var otherList = await Assert.ThrowsAsync<ArgumentException>(() => pool.Draw(stamp, ["slot-a", "slot-b"], 0));
        Assert.Contains("a generation has one slot list", otherList.Message);
        Assert.Equal(0, (await pool.GetSnapshot()).TotalRefusals);
    }
}
