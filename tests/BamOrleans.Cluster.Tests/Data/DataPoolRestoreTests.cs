using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>
/// A checkpoint stores the pool's positions at a step boundary; a fresh pool restored from them
/// must hand every slot exactly the samples the uninterrupted pool handed out after that step —
/// across an epoch boundary, with leases moving, to new slot ids — and refuse the steps before it.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class DataPoolRestoreTests(InProcessCluster cluster)
{
    // 8 steps an epoch: steps 3..11 cross into epoch 1.
    private static readonly DataPoolSettings Settings = new(Seed: 23, DatasetSize: 100, ShardCount: 5, GlobalBatch: 12);
    private static readonly string[] Slots = ["slot-a", "slot-b", "slot-c"];

    // After a full restart the slots are new (their keys name the new silos).
    private static readonly string[] NewSlots = ["slot-x", "slot-y", "slot-z"];

    [Fact]
    public async Task A_pool_restored_from_the_positions_after_step_k_draws_what_the_original_drew_after_k()
    {
        var (original, originalRun) = await Pool();
        const int checkpointAfter = 2, lastStep = 11;
        var drawn = new Dictionary<long, int[][]>();
        DataPositions? positions = null;
        for (long step = 0; step <= lastStep; step++)
        {
            drawn[step] = await DrawAll(original, new StepStamp(originalRun, 1, step));
            // The boundary after step 2: its barrier has completed, step 3 not drawn yet.
            if (step == checkpointAfter) positions = await original.PositionsAfter(checkpointAfter);
        }
        // Still known one step later (committed once step 3 is drawn), and identical.
        var (late, lateRun) = await Pool();
        for (long step = 0; step <= checkpointAfter + 1; step++) await DrawAll(late, new StepStamp(lateRun, 1, step));
        Assert.Equivalent(positions, await late.PositionsAfter(checkpointAfter), strict: true);

        // Restored for new slot ids: slot w takes over slot w's leases, so it draws what slot w drew.
        var (restored, restoredRun) = await Pool();
        await restored.Restore(positions!, NewSlots);
        for (long step = checkpointAfter + 1; step <= lastStep; step++)
        {
            var again = await DrawAll(restored, new StepStamp(restoredRun, 1, step), NewSlots);
            for (var w = 0; w < Slots.Length; w++)
                Assert.Equal(drawn[step][w], again[w]);
        }
        Assert.True(Settings.EpochOf(lastStep) > Settings.EpochOf(checkpointAfter), "the test must cross an epoch boundary");
    }

    [Fact]
    public async Task A_restored_pool_refuses_the_steps_before_its_positions_and_does_not_skip_ahead()
    {
        var (original, run) = await Pool();
        for (long step = 0; step <= 4; step++) await DrawAll(original, new StepStamp(run, 1, step));
        var positions = await original.PositionsAfter(4);

        var (restored, restoredRun) = await Pool();
        await restored.Restore(positions, Slots);
        Assert.Equal(RefusalReason.StaleStep, (await restored.Draw(new StepStamp(restoredRun, 1, 4), Slots, 0)).Refused);
        Assert.Equal(RefusalReason.FutureStep, (await restored.Draw(new StepStamp(restoredRun, 1, 6), Slots, 0)).Refused);
        Assert.Null((await restored.Draw(new StepStamp(restoredRun, 1, 5), Slots, 0)).Refused);
    }

    [Fact]
    public async Task Restoring_a_pool_that_has_drawn_or_with_another_shard_count_fails_with_the_reason()
    {
        var (original, run) = await Pool();
        await DrawAll(original, new StepStamp(run, 1, 0));
        var positions = await original.PositionsAfter(0);
        var used = await Assert.ThrowsAsync<InvalidOperationException>(() => original.Restore(positions, Slots));
        Assert.Contains("fresh pool", used.Message);

        var (fresh, _) = await Pool();
        var misfit = positions with { Positions = [1, 2], Holders = [null, null], LeasedAt = [0, 0] };
        var shards = await Assert.ThrowsAsync<ArgumentException>(() => fresh.Restore(misfit, Slots));
        Assert.Contains("2 shards but the pool has 5", shards.Message);

        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => original.PositionsAfter(7));
        Assert.Contains("not after step 7", unknown.Message);
    }

    [Fact]
    public async Task A_pool_past_a_checkpoint_is_discarded_and_restored_to_it_and_then_draws_what_it_drew_after_it()
    {
        // A run laid out again from a checkpoint while its pool lived on (its slots' silos died,
        // the leader did not): positions never move back, so the pool starts afresh.
        var (pool, run) = await Pool();
        var drawn = new Dictionary<long, int[][]>();
        DataPositions? positions = null;
        for (long step = 0; step <= 6; step++)
        {
            drawn[step] = await DrawAll(pool, new StepStamp(run, 1, step));
            if (step == 2) positions = await pool.PositionsAfter(2);
        }

        await pool.Discard();
        var fresh = await pool.GetSnapshot();
        Assert.Equal(-1, fresh.CommittedStep);
        Assert.Null(fresh.Planned);
        Assert.Equal(-1, (await cluster.Client.GetGrain<IDataShardGrain>(DataShardKey.Of(run, 0)).GetState()).CommittedStep);

        await pool.Configure(Settings);
        await pool.Restore(positions!, Slots);
        for (long step = 3; step <= 6; step++)
            Assert.Equal(drawn[step], await DrawAll(pool, new StepStamp(run, 2, step)));
    }

    private async Task<(IDataPoolGrain Pool, string RunId)> Pool()
    {
        var runId = $"restore-{Guid.NewGuid():N}";
        var pool = cluster.Client.GetGrain<IDataPoolGrain>(runId);
        await pool.Configure(Settings);
        return (pool, runId);
    }

    private static async Task<int[][]> DrawAll(IDataPoolGrain pool, StepStamp stamp, string[]? slots = null)
    {
        slots ??= Slots;
        var draws = await Task.WhenAll(slots.Select((_, w) => pool.Draw(stamp, slots, w)));
        Assert.All(draws, d => Assert.Null(d.Refused));
        return draws.Select(d => d.Indices).ToArray();
    }
}
