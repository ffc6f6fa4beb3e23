using BamOrleans.Core.Objectives;

namespace BamOrleans.Grains.Data;

/// <summary>
/// One shard's slice of a run's memory bank: a row of <see cref="Width"/> floats for each dataset
/// index of <see cref="Range"/>, with writes staged per step and committed when a later step
/// begins, as the data pool commits positions. So a step retried under a new generation (its
/// first attempt aborted by a membership change) reads the rows its first attempt read, and its
/// update replaces the first attempt's instead of applying twice.
/// </summary>
/// <remarks>
/// <para>Rules, by step: <see cref="Stage"/> of the staged step replaces the staged update; of a
/// later step first commits it. <see cref="Read"/> of a later step than the staged one commits it
/// first; the staged update of step s is never visible to step s itself. A step at or before the
/// committed one, or before the staged one, is refused (it is over: applying it now would reorder
/// updates).</para>
/// <para>The rows start as <see cref="MemoryBankInit"/>'s unit vectors, made on first use, so a
/// shard that is restored from a checkpoint never draws them. Not thread-safe: its grain calls it
/// one message at a time.</para>
/// </remarks>
internal sealed class MemoryBankShard
{
    private readonly long _seed;
    private float[]? _committed;
    private StagedUpdate? _staged;
    private bool _changed;

    public MemoryBankShard(long seed, ShardRange range, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Start);
        _seed = seed;
        Range = range;
        Width = width;
    }

    /// <summary>The dataset indices whose rows this shard holds.</summary>
    public ShardRange Range { get; }

    /// <summary>Floats per row.</summary>
    public int Width { get; }

    /// <summary>The last step whose update is committed; -1 before any (or the step a checkpoint was taken after).</summary>
    public long CommittedStep { get; private set; } = -1;

    /// <summary>The step of the staged update, or null when none is staged.</summary>
    public long? StagedStep => _staged?.Step;

    /// <summary>Whether a read or stage for <paramref name="step"/> would be taken (not refused as over).</summary>
    public bool Accepts(long step) => step > CommittedStep && (_staged is null || step >= _staged.Step);

    /// <summary>
    /// Keeps <paramref name="rows"/> (row-major, <see cref="Width"/> floats per index, in the order
    /// of <paramref name="indices"/>) as step <paramref name="step"/>'s update. Replaces an update
    /// already staged for the same step; commits one staged for an earlier step first.
    /// </summary>
    public void Stage(long step, int[] indices, float[] rows)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(rows);
        EnsureAccepts(step, "stage an update for");
        var offsets = Offsets(indices);
        if (rows.Length != (long)indices.Length * Width)
            throw new ArgumentException(
                $"memory bank shard {Range} got {rows.Length} floats for {indices.Length} rows of width {Width}: send {indices.Length} × {Width} = {(long)indices.Length * Width}",
                nameof(rows));
        var seen = new HashSet<int>();
        for (var i = 0; i < offsets.Length; i++)
        {
            if (!seen.Add(offsets[i]))
                throw new ArgumentException(
                    $"index {indices[i]} appears twice in step {step}'s update of memory bank shard {Range}: an update gives each image one row, combine them before staging",
                    nameof(indices));
        }
        CheckFinite(rows, indices, $"step {step}'s update");
        if (_staged is { } earlier && earlier.Step < step) Commit(earlier);
        // A copy: the caller's array may be a message buffer that is reused after the call.
        _staged = new StagedUpdate(step, offsets, rows.ToArray());
        _changed = true;
    }

    /// <summary>
    /// The committed rows of <paramref name="indices"/> (row-major, in their order; repeats allowed)
    /// as step <paramref name="step"/> sees them: an update staged by an earlier step is committed
    /// first; one staged by <paramref name="step"/> itself (a retry's first attempt) is not seen.
    /// </summary>
    public float[] Read(long step, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        EnsureAccepts(step, "read");
        var offsets = Offsets(indices);
        if (_staged is { } earlier && earlier.Step < step) Commit(earlier);
        var committed = Committed;
        var result = new float[(long)offsets.Length * Width];
        for (var i = 0; i < offsets.Length; i++)
            Array.Copy(committed, (long)offsets[i] * Width, result, (long)i * Width, Width);
        return result;
    }

    /// <summary>
    /// Every row of the shard (in index order) as of the end of <paramref name="step"/>, for a
    /// checkpoint taken at the boundary after it. Known while <paramref name="step"/> is the staged
    /// step or the last committed one; changes nothing.
    /// </summary>
    public float[] After(long step)
    {
        if (_staged is { } staged && staged.Step == step)
        {
            var rows = Committed.ToArray();
            staged.ApplyTo(rows, Width);
            return rows;
        }
        if (CommittedStep == step) return Committed.ToArray();
        throw new InvalidOperationException(
            $"memory bank shard {Range} holds the rows after step {CommittedStep} (committed) and {(_staged is null ? "none" : $"step {_staged.Step}")} (staged), not after step {step}: " +
            "take them at the step boundary, after the step staged its update and before the step after next stages its own");
    }

    /// <summary>
    /// Puts a fresh shard (nothing staged since it was made) at a checkpoint's rows, taken after
    /// step <paramref name="afterStep"/>: steps up to it are over, the next stage is for a later one.
    /// </summary>
    public void Restore(long afterStep, float[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(afterStep, -1);
        if (_changed)
            throw new InvalidOperationException(
                $"memory bank shard {Range} has staged updates (committed step {CommittedStep}, staged {_staged?.Step.ToString() ?? "none"}): restore a checkpoint only into a fresh bank, when the run is laid out again from it");
        if (rows.Length != (long)Range.Count * Width)
            throw new ArgumentException(
                $"memory bank shard {Range} holds {Range.Count} rows of width {Width} = {(long)Range.Count * Width} floats, but the checkpoint gives it {rows.Length}: restore a checkpoint of this run (same dataset size, shard count and memory width)",
                nameof(rows));
        CheckFinite(rows, null, $"the checkpoint after step {afterStep}");
        _committed = rows.ToArray();
        _staged = null;
        CommittedStep = afterStep;
    }

    private float[] Committed => _committed ??= InitialRows();

    private float[] InitialRows()
    {
        var rows = new float[(long)Range.Count * Width];
        for (var i = 0; i < Range.Count; i++)
            MemoryBankInit.Fill(_seed, Range.Start + i, rows.AsSpan(i * Width, Width));
        return rows;
    }

    private void Commit(StagedUpdate update)
    {
        update.ApplyTo(Committed, Width);
        CommittedStep = update.Step;
        _staged = null;
    }

    private void EnsureAccepts(long step, string action)
    {
        if (Accepts(step)) return;
        throw new InvalidOperationException(
            $"memory bank shard {Range} has committed step {CommittedStep} and staged {(_staged is null ? "none" : $"step {_staged.Step}")}, so it cannot {action} step {step}: " +
            "that step is over; read and stage only for the open step");
    }

    /// <summary>Row offsets within the shard; refuses any index outside its range.</summary>
    private int[] Offsets(int[] indices)
    {
        var offsets = new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if (index < Range.Start || index >= Range.End)
                throw new ArgumentException(
                    $"index {index} is not in memory bank shard {Range}: route each index to the shard whose range holds it (DataPoolSettings.RangeOf)",
                    nameof(indices));
            offsets[i] = index - Range.Start;
        }
        return offsets;
    }

    /// <summary>A NaN or infinity in the bank would poison every later step that draws it as a negative.</summary>
    private void CheckFinite(float[] rows, int[]? indices, string what)
    {
        for (long k = 0; k < rows.Length; k++)
        {
            if (float.IsFinite(rows[k])) continue;
            var row = (int)(k / Width);
            var index = indices is null ? Range.Start + row : indices[row];
            throw new ArgumentException(
                $"{what} gives image {index} of memory bank shard {Range} a non-finite value ({rows[k]}) at column {k % Width}: the embeddings diverged; fix the step rather than store it",
                nameof(rows));
        }
    }

    /// <summary>One step's update: rows for some of the shard's offsets.</summary>
    private sealed record StagedUpdate(long Step, int[] Offsets, float[] Rows)
    {
        public void ApplyTo(float[] committed, int width)
        {
            for (var i = 0; i < Offsets.Length; i++)
                Array.Copy(Rows, (long)i * width, committed, (long)Offsets[i] * width, width);
        }
    }
}
