using BamOrleans.Core.Objectives;
using BamOrleans.Grains.Data;

namespace BamOrleans.Cluster.Tests.Data;

/// <summary>
/// One shard's bank rows and their step-staged writes: an update becomes visible to the next step,
/// a retried step's update replaces its first attempt's, and a retry reads what the first attempt read.
/// </summary>
public sealed class MemoryBankShardTests
{
    private const long Seed = 5;
    private const int Width = 4;
    private static readonly ShardRange Range = new(10, 6); // indices 10..15

    private static MemoryBankShard Shard() => new(Seed, Range, Width);

    /// <summary>A row of <see cref="Width"/> copies of <paramref name="value"/>, easy to recognise.</summary>
    private static float[] Rows(params float[] values) => values.SelectMany(v => Enumerable.Repeat(v, Width)).ToArray();

    private static float[] Initial(params int[] indices) => indices.SelectMany(i => MemoryBankInit.Row(Seed, i, Width)).ToArray();

    [Fact]
    public void The_bank_starts_at_the_initial_rows_and_a_staged_update_is_seen_from_the_next_step_on()
    {
        var bank = Shard();
        Assert.Equal(Initial(10, 15), bank.Read(0, [10, 15]));

        bank.Stage(0, [15, 11], Rows(1, 2));
        Assert.Equal(0, bank.StagedStep);
        Assert.Equal(-1, bank.CommittedStep);

        // Step 1's read commits step 0's update; repeats are answered, in the order asked.
        Assert.Equal(Rows(2).Concat(Initial(12)).Concat(Rows(1, 2)).ToArray(), bank.Read(1, [11, 12, 15, 11]));
        Assert.Equal(0, bank.CommittedStep);
        Assert.Null(bank.StagedStep);
    }

    [Fact]
    public void A_retried_step_reads_the_rows_its_first_attempt_read_and_its_update_replaces_the_first_attempts()
    {
        var bank = Shard();
        var first = bank.Read(0, [10, 11]);
        bank.Stage(0, [10, 11], Rows(1, 1));

        // The retry (a newer generation) reads the pre-step rows, not its first attempt's update.
        Assert.Equal(first, bank.Read(0, [10, 11]));
        // It updates other images: the first attempt's row for 10 must not survive.
        bank.Stage(0, [11, 12], Rows(2, 3));

        Assert.Equal(Initial(10).Concat(Rows(2, 3)).ToArray(), bank.Read(1, [10, 11, 12]));
    }

    [Fact]
    public void A_stage_for_a_later_step_commits_the_staged_one_first()
    {
        var bank = Shard();
        bank.Stage(0, [10], Rows(1));
        bank.Stage(1, [11], Rows(2));
        Assert.Equal(0, bank.CommittedStep);
        Assert.Equal(1, bank.StagedStep);
        Assert.Equal(Rows(1).Concat(Initial(11)).ToArray(), bank.Read(1, [10, 11]));
        Assert.Equal(Rows(1, 2), bank.Read(2, [10, 11]));
    }

    [Fact]
    public void A_read_or_stage_for_a_step_that_is_over_is_refused_naming_the_steps_and_changes_nothing()
    {
        var bank = Shard();
        bank.Stage(3, [10], Rows(1));
        var early = Assert.Throws<InvalidOperationException>(() => bank.Stage(2, [11], Rows(9)));
        Assert.Contains("staged step 3", early.Message);
        Assert.Contains("step 2", early.Message);
        Assert.Throws<InvalidOperationException>(() => bank.Read(2, [11]));

        Assert.Equal(Rows(1), bank.Read(4, [10])); // commits step 3
        var over = Assert.Throws<InvalidOperationException>(() => bank.Read(3, [10]));
        Assert.Contains("committed step 3", over.Message);
        Assert.Throws<InvalidOperationException>(() => bank.Stage(3, [10], Rows(9)));
        Assert.False(bank.Accepts(3));
        Assert.True(bank.Accepts(4));
        Assert.Equal(Rows(1).Concat(Initial(11)).ToArray(), bank.Read(4, [10, 11]));
    }

    [Fact]
    public void After_gives_the_rows_at_the_end_of_the_staged_or_the_last_committed_step_and_otherwise_names_the_steps()
    {
        var bank = Shard();
        var initial = Initial(Enumerable.Range(Range.Start, Range.Count).ToArray());
        Assert.Equal(initial, bank.After(-1));

        bank.Stage(0, [12], Rows(7));
        var afterZero = initial.ToArray();
        Array.Fill(afterZero, 7f, (12 - Range.Start) * Width, Width);
        Assert.Equal(afterZero, bank.After(0)); // committed + staged
        Assert.Equal(initial, bank.Read(0, Enumerable.Range(10, 6).ToArray())); // After changed nothing

        bank.Stage(1, [13], Rows(8));
        Assert.Equal(afterZero, bank.After(0)); // step 0 is the last committed one
        var gone = Assert.Throws<InvalidOperationException>(() => bank.After(-1));
        Assert.Contains("after step 0 (committed) and step 1 (staged), not after step -1", gone.Message);
        Assert.Throws<InvalidOperationException>(() => bank.After(2));
    }

    [Fact]
    public void Restore_puts_a_fresh_shard_at_a_checkpoints_rows_and_steps_up_to_it_are_over()
    {
        var bank = Shard();
        var rows = Enumerable.Range(0, Range.Count * Width).Select(k => k * 0.5f).ToArray();
        bank.Restore(7, rows);
        Assert.Equal(7, bank.CommittedStep);
        Assert.Equal(rows, bank.After(7));
        Assert.Equal(rows.AsSpan(Width, Width).ToArray(), bank.Read(8, [11]));
        Assert.Throws<InvalidOperationException>(() => bank.Read(7, [11]));

        bank.Stage(8, [11], Rows(1));
        var used = Assert.Throws<InvalidOperationException>(() => bank.Restore(7, rows));
        Assert.Contains("fresh bank", used.Message);

        var size = Assert.Throws<ArgumentException>(() => Shard().Restore(7, rows[1..]));
        Assert.Contains($"{Range.Count * Width} floats", size.Message);
    }

    [Fact]
    public void Indices_outside_the_range_duplicates_a_wrong_row_count_and_non_finite_rows_are_refused_clearly()
    {
        var bank = Shard();
        var outside = Assert.Throws<ArgumentException>(() => bank.Read(0, [9]));
        Assert.Contains("index 9 is not in memory bank shard [10, 16)", outside.Message);
        Assert.Throws<ArgumentException>(() => bank.Stage(0, [16], Rows(1)));
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => bank.Stage(0, [11, 11], Rows(1, 2))).Message);
        Assert.Contains("send 1 × 4", Assert.Throws<ArgumentException>(() => bank.Stage(0, [11], Rows(1, 2))).Message);
        var nan = Rows(1);
        nan[2] = float.NaN;
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => bank.Stage(0, [11], nan)).Message);
        Assert.Null(bank.StagedStep); // none of them staged anything
    }
}
