using BamOrleans.Grains.Data;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>The lease and draw rules of <see cref="ShardDrawPlanner"/>, driven through whole epochs by <see cref="PlannedRun"/>.</summary>
public sealed class ShardDrawPlannerTests
{
    private static readonly string[] ThreeSlots = ["a", "b", "c"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Over_an_epoch_every_slot_gets_its_share_each_step_and_every_index_is_distinct_and_in_range(int slotCount)
    {
        var settings = new DataPoolSettings(Seed: 7, DatasetSize: 103, ShardCount: 5, GlobalBatch: 12);
        var run = new PlannedRun(settings);
        var slots = ThreeSlots.Take(slotCount).ToArray();
        var batch = settings.GlobalBatch / slotCount;

        for (var epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<int>();
            for (var s = 0; s < settings.StepsPerEpoch; s++)
            {
                var (plan, indices) = run.Step(slots);
                Assert.Equal(epoch, plan.Epoch);
                Assert.All(indices, i => Assert.Equal(batch, i.Length));
                seen.AddRange(indices.SelectMany(i => i));
            }
            Assert.Equal(settings.StepsPerEpoch * settings.GlobalBatch, seen.Count);
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.All(seen, i => Assert.InRange(i, 0, settings.DatasetSize - 1));
        }
    }

    [Fact]
    public void A_plan_is_a_pure_function_of_ledger_and_slot_list_so_the_order_slots_call_in_cannot_matter()
    {
        var run = new PlannedRun(new DataPoolSettings(3, 60, 4, 6));
        run.Step(ThreeSlots);
        var before = Describe(run.Committed);

        var first = run.Attempt(ThreeSlots);
        var second = run.Attempt(ThreeSlots);

        Assert.Equal(first.Plan.Takes.Select(t => t.ToArray()), second.Plan.Takes.Select(t => t.ToArray()));
        Assert.Equal(first.Indices, second.Indices);
        Assert.Equal(Describe(first.Plan.End), Describe(second.Plan.End));
        Assert.Equal(before, Describe(run.Committed)); // planning does not touch the committed ledger
    }

    [Fact]
    public void Slots_read_their_own_shards_in_lease_order_and_lease_the_lowest_free_shard_when_dry()
    {
        // Shards of 10; each slot needs 4 a step.
        var run = new PlannedRun(new DataPoolSettings(1, DatasetSize: 40, ShardCount: 4, GlobalBatch: 8));
        var (step0, _) = run.Step(["a", "b"]);
        Assert.Equal([new ShardTake(0, 0, 4)], step0.Takes[0]);
        Assert.Equal([new ShardTake(1, 0, 4)], step0.Takes[1]);
        run.Step(["a", "b"]);
        var (step2, _) = run.Step(["a", "b"]);
        // a has 2 left in shard 0, then leases shard 2 (the lowest free one); b likewise gets shard 3.
        Assert.Equal([new ShardTake(0, 8, 2), new ShardTake(2, 0, 2)], step2.Takes[0]);
        Assert.Equal([new ShardTake(1, 8, 2), new ShardTake(3, 0, 2)], step2.Takes[1]);
        Assert.Equal([0, 2], run.Committed.LeasesOf("a"));
    }

    [Fact]
    public void A_slot_that_leaves_returns_its_leases_at_their_exact_positions_and_the_epoch_stays_exactly_once()
    {
        var settings = new DataPoolSettings(Seed: 9, DatasetSize: 96, ShardCount: 6, GlobalBatch: 12);
        var run = new PlannedRun(settings);
        var seen = new List<int>();
        for (var s = 0; s < 3; s++) seen.AddRange(run.Step(ThreeSlots).Indices.SelectMany(i => i));

        var leftBehind = run.Committed.LeasesOf("b").ToDictionary(j => j, run.Committed.PositionOf);
        Assert.NotEmpty(leftBehind);
        var (plan, indices) = run.Step(["a", "c"]);
        var returns = plan.Moves.Where(m => m.IsReturn).ToList();
        Assert.Equal(leftBehind.Keys.Order(), returns.Select(m => m.Shard).Order());
        Assert.All(returns, m => Assert.Equal("b", m.From));
        // Whoever reads a returned shard next starts exactly where b stopped.
        foreach (var take in plan.AllTakes.Where(t => leftBehind.ContainsKey(t.Shard)).GroupBy(t => t.Shard).Select(g => g.First()))
            Assert.Equal(leftBehind[take.Shard], take.From);
        Assert.DoesNotContain("b", Enumerable.Range(0, settings.ShardCount).Select(plan.End.HolderOf));
        Assert.All(indices, i => Assert.Equal(6, i.Length));
        seen.AddRange(indices.SelectMany(i => i));

        while (run.NextStep < settings.StepsPerEpoch) seen.AddRange(run.Step(["a", "c"]).Indices.SelectMany(i => i));
        Assert.Equal(Enumerable.Range(0, settings.DatasetSize), seen.Order()); // 96 = 8 · 12: the whole dataset, each once
    }

    [Fact]
    public void A_redo_under_a_new_generation_starts_from_the_positions_the_aborted_attempt_started_from()
    {
        var settings = new DataPoolSettings(Seed: 4, DatasetSize: 96, ShardCount: 5, GlobalBatch: 12);
        var run = new PlannedRun(settings);
        var seen = new List<int>();
        for (var s = 0; s < 3; s++) seen.AddRange(run.Step(ThreeSlots).Indices.SelectMany(i => i));
        var available = run.Unconsumed();

        // Step 3 is drawn by three slots, then c is lost and the step is redone by a and b.
        var aborted = run.Attempt(ThreeSlots);
        Assert.Equal(aborted.Indices, run.Attempt(ThreeSlots).Indices); // same slots again: the very same draws
        Assert.Equal(available, run.Unconsumed());                     // the attempt consumed nothing
        var redo = run.Step(["a", "b"]);
        Assert.Subset(available, redo.Indices.SelectMany(i => i).ToHashSet());
        seen.AddRange(redo.Indices.SelectMany(i => i));
        while (run.NextStep < settings.StepsPerEpoch) seen.AddRange(run.Step(["a", "b"]).Indices.SelectMany(i => i));

        // Everything the aborted attempt held out is drawn later, once; nothing is drawn twice.
        Assert.Equal(Enumerable.Range(0, settings.DatasetSize), seen.Order());
        Assert.Subset(seen.ToHashSet(), aborted.Indices.SelectMany(i => i).ToHashSet());
    }

    [Fact]
    public void With_fewer_shards_than_slots_a_slot_steals_the_fullest_lease_and_nobody_starves()
    {
        // Two shards of 6, three slots of 2: the third slot finds no free shard at once.
        var settings = new DataPoolSettings(Seed: 2, DatasetSize: 12, ShardCount: 2, GlobalBatch: 6);
        var run = new PlannedRun(settings);
        var (step0, indices0) = run.Step(ThreeSlots);
        Assert.Equal([new LeaseMove(0, null, "a"), new LeaseMove(1, null, "b"), new LeaseMove(0, "a", "c")], step0.Moves);
        Assert.Equal([new ShardTake(0, 2, 2)], step0.Takes[2]); // c continues where a stopped
        Assert.All(indices0, i => Assert.Equal(2, i.Length));

        var (step1, indices1) = run.Step(ThreeSlots);
        Assert.Contains(step1.Moves, m => m.IsSteal);
        Assert.All(indices1, i => Assert.Equal(2, i.Length));
        Assert.Equal(Enumerable.Range(0, 12), indices0.Concat(indices1).SelectMany(i => i).Order());
    }

    [Fact]
    public void Near_the_end_of_an_epoch_a_dry_slot_steals_from_the_slot_with_the_most_left()
    {
        // Shards of 10, 10, 10; two slots of 3. After three steps a and b each have 1 left.
        var run = new PlannedRun(new DataPoolSettings(Seed: 5, DatasetSize: 30, ShardCount: 3, GlobalBatch: 6));
        for (var s = 0; s < 3; s++) run.Step(["a", "b"]);
        var (plan, _) = run.Step(["a", "b"]);
        Assert.Equal([new ShardTake(0, 9, 1), new ShardTake(2, 0, 2)], plan.Takes[0]);
        Assert.Equal([new ShardTake(1, 9, 1), new ShardTake(2, 2, 2)], plan.Takes[1]);
        Assert.Equal(new LeaseMove(2, "a", "b"), plan.Moves.Single(m => m.IsSteal));
    }

    [Fact]
    public void A_new_epoch_restarts_every_shard_at_zero_and_keeps_the_leases()
    {
        var settings = new DataPoolSettings(Seed: 8, DatasetSize: 50, ShardCount: 5, GlobalBatch: 12); // 4 steps, 2 dropped
        var run = new PlannedRun(settings);
        for (var s = 0; s < settings.StepsPerEpoch; s++) run.Step(["a", "b"]);
        var holders = Enumerable.Range(0, 5).Select(run.Committed.HolderOf).ToArray();
        var (plan, _) = run.Step(["a", "b"]);
        Assert.Equal(1, plan.Epoch);
        Assert.DoesNotContain(plan.Moves, m => m.IsSteal || m.IsReturn);
        Assert.All(plan.Takes.Select(t => t[0]), t => Assert.Equal(0, t.From));
        for (var j = 0; j < 5; j++)
            if (holders[j] is { } holder) Assert.Equal(holder, plan.End.HolderOf(j));
    }

    [Fact]
    public void Random_membership_changes_and_redos_keep_every_epoch_exactly_once_and_every_slot_fed()
    {
        var random = new Random(1234);
        string[] pool = ["s0", "s1", "s2", "s3", "s4", "s5"];
        for (var trial = 0; trial < 200; trial++)
        {
            var globalBatch = new[] { 6, 12, 24 }[random.Next(3)];
            var datasetSize = random.Next(globalBatch, 200);
            var settings = new DataPoolSettings(random.NextInt64(), datasetSize, random.Next(1, Math.Min(datasetSize, 20) + 1), globalBatch);
            var run = new PlannedRun(settings);
            var seen = new HashSet<int>();
            for (var step = 0; step < 2 * settings.StepsPerEpoch; step++)
            {
                if (step % settings.StepsPerEpoch == 0) seen.Clear();
                var slots = RandomSlots(random, pool, globalBatch);
                if (random.Next(4) == 0) run.Attempt(RandomSlots(random, pool, globalBatch)); // an aborted attempt
                var (plan, indices) = run.Step(slots);
                foreach (var slot in indices)
                {
                    Assert.Equal(globalBatch / slots.Length, slot.Length);
                    foreach (var index in slot)
                    {
                        Assert.InRange(index, 0, datasetSize - 1);
                        Assert.True(seen.Add(index), $"trial {trial}: index {index} drawn twice in epoch {plan.Epoch}");
                    }
                }
            }
        }
    }

    private static string[] RandomSlots(Random random, string[] pool, int globalBatch)
    {
        var counts = Enumerable.Range(1, pool.Length).Where(w => globalBatch % w == 0).ToArray();
        return pool.OrderBy(_ => random.Next()).Take(counts[random.Next(counts.Length)]).ToArray();
    }

    private static string Describe(LeaseBook book) =>
        $"{book.Epoch}:{book.NextLease}:" + string.Join(",", Enumerable.Range(0, book.ShardCount)
            .Select(j => $"{book.PositionOf(j)}/{book.HolderOf(j)}/{book.LeasedAt(j)}"));
}
