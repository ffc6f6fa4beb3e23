using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Core.Objectives;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>
/// The memory bank through the run's data pool on three in-process silos: reads and stages routed
/// to the bank shards beside the data shards, updates visible from the next step, a retried step
/// applied once, stale stamps refused, and the bank taken for and restored from a checkpoint.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class MemoryBankClusterTests(InProcessCluster cluster)
{
    // 5 shards of 6 or 5 indices: [0, 6), [6, 12), [12, 18), [18, 24), [24, 29).
    private static readonly DataPoolSettings Settings = new(Seed: 29, DatasetSize: 29, ShardCount: 5, GlobalBatch: 6, MemoryWidth: 3);
    private static readonly string[] Slots = ["slot-a", "slot-b"];

    private async Task<(IDataPoolGrain Pool, string RunId)> Pool(DataPoolSettings? settings = null)
    {
        var runId = $"memory-{Guid.NewGuid():N}";
        var pool = cluster.Client.GetGrain<IDataPoolGrain>(runId);
        await pool.Configure(settings ?? Settings);
        return (pool, runId);
    }

    private static float[] Initial(params int[] indices) =>
        indices.SelectMany(i => MemoryBankInit.Row(Settings.Seed, i, Settings.MemoryWidth)).ToArray();

    /// <summary>Recognisable rows: image i of update u gets (u, i, -u).</summary>
    private static float[] Update(int u, params int[] indices) => indices.SelectMany(i => new float[] { u, i, -u }).ToArray();

    private static async Task<float[]> Read(IDataPoolGrain pool, StepStamp stamp, params int[] indices)
    {
        var read = await pool.ReadMemory(stamp, indices);
        Assert.Null(read.Refused);
        Assert.Equal(Settings.MemoryWidth, read.Width);
        return read.Rows;
    }

    private static async Task Stage(IDataPoolGrain pool, StepStamp stamp, int[] indices, float[] rows) =>
        Assert.Null(await pool.StageMemory(stamp, indices, rows));

    [Fact]
    public async Task Rows_are_routed_across_shards_in_request_order_and_an_update_is_seen_from_the_next_step_on()
    {
        var (pool, run) = await Pool();
        int[] across = [28, 0, 13, 6, 13, 24];
        Assert.Equal(Initial(across), await Read(pool, new StepStamp(run, 1, 0), across));

        int[] batch = [5, 6, 20, 28];
        await Stage(pool, new StepStamp(run, 1, 0), batch, Update(1, batch));
        // Not visible to step 0 itself.
        Assert.Equal(Initial(5, 20), await Read(pool, new StepStamp(run, 1, 0), 5, 20));
        // Visible to step 1, every shard's part in its place.
        Assert.Equal(Update(1, 28).Concat(Initial(7)).Concat(Update(1, 5, 6, 20)).ToArray(),
            await Read(pool, new StepStamp(run, 1, 1), 28, 7, 5, 6, 20));

        await Stage(pool, new StepStamp(run, 1, 1), [6, 7], Update(2, 6, 7));
        Assert.Equal(Update(2, 6, 7).Concat(Update(1, 5)).ToArray(), await Read(pool, new StepStamp(run, 1, 2), 6, 7, 5));
    }

    [Fact]
    public async Task A_step_retried_under_a_newer_generation_applies_once_and_a_late_write_of_the_old_generation_is_refused_and_counted()
    {
        var (pool, run) = await Pool();
        var first = await Read(pool, new StepStamp(run, 1, 0), 0, 12, 25);
        // The first attempt writes images of shards 0, 2 and 4, then membership changes.
        await Stage(pool, new StepStamp(run, 1, 0), [0, 12, 25], Update(1, 0, 12, 25));

        // The retry reads what the first attempt read and writes other images (other slots drew).
        Assert.Equal(first, await Read(pool, new StepStamp(run, 2, 0), 0, 12, 25));
        await Stage(pool, new StepStamp(run, 2, 0), [1, 12], Update(2, 1, 12));
        // The aborted attempt's slot comes back with a late write: it must not land.
        Assert.Equal(RefusalReason.StaleGeneration, await pool.StageMemory(new StepStamp(run, 1, 0), [25], Update(9, 25)));
        Assert.Equal(RefusalReason.StaleGeneration, (await pool.ReadMemory(new StepStamp(run, 1, 1), [25])).Refused);

        // Only the retry's update is in the bank: none of the first attempt's rows survive.
        Assert.Equal(Initial(0).Concat(Update(2, 1, 12)).Concat(Initial(25)).ToArray(),
            await Read(pool, new StepStamp(run, 2, 1), 0, 1, 12, 25));
        Assert.Equal(2, (await pool.GetSnapshot()).RefusalsFor(RefusalReason.StaleGeneration));

        // A step that is over is refused too.
        Assert.Equal(RefusalReason.StaleStep, await pool.StageMemory(new StepStamp(run, 2, 0), [3], Update(9, 3)));
        Assert.Equal(RefusalReason.WrongRun, (await pool.ReadMemory(new StepStamp("another-run", 2, 1), [3])).Refused);
    }

    [Fact]
    public async Task MemoryAfter_is_the_whole_bank_with_the_staged_update_until_the_step_after_next_stages()
    {
        var (pool, run) = await Pool();
        var all = Enumerable.Range(0, Settings.DatasetSize).ToArray();
        var start = await pool.MemoryAfter(-1);
        Assert.Equal((-1L, 3), (start.AfterStep, start.Width));
        Assert.Equal(Initial(all), start.Rows);

        await Stage(pool, new StepStamp(run, 1, 0), [4, 17], Update(1, 4, 17));
        var expected = Initial(all);
        Update(1, 4).CopyTo(expected, 4 * 3);
        Update(1, 17).CopyTo(expected, 17 * 3);
        Assert.Equal(expected, (await pool.MemoryAfter(0)).Rows);

        // Step 1 reads and stages (touching one shard): the bank after step 0 is still known.
        await Read(pool, new StepStamp(run, 1, 1), 4);
        await Stage(pool, new StepStamp(run, 1, 1), [5], Update(2, 5));
        Assert.Equal(expected, (await pool.MemoryAfter(0)).Rows);

        await Stage(pool, new StepStamp(run, 1, 2), [], []);
        var gone = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.MemoryAfter(0));
        Assert.Contains("not after step 0", gone.Message);
    }

    [Fact]
    public async Task A_discarded_pool_configured_and_restored_from_a_checkpoint_reads_exactly_the_banks_rows()
    {
        var (pool, run) = await Pool();
        var all = Enumerable.Range(0, Settings.DatasetSize).ToArray();
        DataPositions? positions = null;
        MemorySnapshot? bank = null;
        for (long step = 0; step <= 3; step++)
        {
            var stamp = new StepStamp(run, 1, step);
            var draws = await Task.WhenAll(Slots.Select((_, w) => pool.Draw(stamp, Slots, w)));
            var batch = draws.SelectMany(d => d.Indices).ToArray();
            await Read(pool, stamp, batch);
            await Stage(pool, stamp, batch, Update((int)step + 1, batch));
            if (step == 2)
            {
                // The checkpoint at the boundary after step 2.
                positions = await pool.PositionsAfter(2);
                bank = await pool.MemoryAfter(2);
            }
        }
        var afterTwo = bank!.Rows.ToArray();
        Assert.NotEqual(Initial(all), afterTwo);

        await pool.Discard();
        await pool.Configure(Settings);
        Assert.Equal(Initial(all), (await pool.MemoryAfter(-1)).Rows); // the discarded bank is gone
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.RestoreMemory(bank));
        Assert.Contains("restore the positions of the same checkpoint first", early.Message);
        await pool.Restore(positions!, Slots);
        await pool.RestoreMemory(bank);

        Assert.Equal(afterTwo, (await pool.MemoryAfter(2)).Rows);
        Assert.Equal(RefusalReason.StaleStep, (await pool.ReadMemory(new StepStamp(run, 2, 2), [0])).Refused);
        Assert.Equal(afterTwo, await Read(pool, new StepStamp(run, 2, 3), all));
        var used = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.RestoreMemory(bank));
        Assert.Contains("fresh pool", used.Message);
    }

    [Fact]
    public async Task A_pool_without_a_memory_bank_and_bad_requests_fail_with_the_reason()
    {
        var (plain, run) = await Pool(Settings with { MemoryWidth = 0 });
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => plain.ReadMemory(new StepStamp(run, 1, 0), [0]));
        Assert.Contains($"run {run} keeps no memory bank", none.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => plain.MemoryAfter(0));

        var (pool, bankRun) = await Pool();
        var stamp = new StepStamp(bankRun, 1, 0);
        Assert.Contains("29 images", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.ReadMemory(stamp, [29]))).Message);
        Assert.Contains("appears twice", (await Assert.ThrowsAsync<ArgumentException>(() => pool.StageMemory(stamp, [3, 3], Update(1, 3, 3)))).Message);
        Assert.Contains("send 1 × 3", (await Assert.ThrowsAsync<ArgumentException>(() => pool.StageMemory(stamp, [3], Update(1, 3, 4)))).Message);
        // A bad update staged nothing, on no shard.
        Assert.Equal(Initial(3), await Read(pool, new StepStamp(bankRun, 1, 1), 3));
    }
}
