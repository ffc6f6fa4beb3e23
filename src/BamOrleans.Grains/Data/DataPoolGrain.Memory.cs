using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Data;

/// <summary>
/// The pool's side of the memory bank: it judges each stamp once (<see cref="MemoryStampRules"/>),
/// before any shard is called, so the bank shards never disagree about a message; then cuts the
/// request by shard (<see cref="MemoryRouting"/>), calls the shards in parallel and puts their
/// answers back in request order.
/// </summary>
/// <remarks>
/// A stage goes to every bank shard, with an empty update where the step changes none of its rows:
/// a retry under a newer generation may touch other images than its aborted attempt, and the
/// attempt's staged rows must be replaced everywhere, not only where the retry writes. It also
/// tells every shard that the step ended, which <see cref="MemoryAfter"/> relies on.
/// </remarks>
internal sealed partial class DataPoolGrain
{
    private IMemoryBankShardGrain[] _bankShards = [];
    private MemoryRouting? _routing;
    private StepStamp? _memoryNewest;
    private long _memoryFloor = -1;

    public async Task<MemoryRows> ReadMemory(StepStamp stamp, int[] indices)
    {
        var routing = RequireMemory("read it");
        ArgumentNullException.ThrowIfNull(indices);
        var parts = routing.Split(indices);
        if (JudgeMemory(stamp, "read") is { } reason) return MemoryRows.Refusal(stamp, routing.Width, reason);

        var answers = await Task.WhenAll(parts.Select(p => _bankShards[p.Shard].Read(stamp, p.Indices)));
        if (answers.FirstOrDefault(a => !a.Accepted) is { } refused)
            return MemoryRows.Refusal(stamp, routing.Width, ShardRefused(stamp, "read", refused.Refused!.Value));
        var rows = new float[(long)indices.Length * routing.Width];
        for (var i = 0; i < parts.Length; i++) routing.Place(parts[i], answers[i].Rows, rows);
        _memoryNewest = stamp;
        return new MemoryRows(stamp, routing.Width, rows, null);
    }

    public async Task<RefusalReason?> StageMemory(StepStamp stamp, int[] indices, float[] rows)
    {
        var routing = RequireMemory("stage an update");
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(rows);
        // Everything is checked before the first shard is called, so a bad update is staged nowhere.
        CheckUpdate(routing, stamp, indices, rows);
        var parts = routing.Split(indices, everyShard: true);
        if (JudgeMemory(stamp, "stage") is { } reason) return reason;

        var answers = await Task.WhenAll(parts.Select(p => _bankShards[p.Shard].Stage(stamp, p.Indices, routing.RowsOf(p, rows))));
        if (answers.FirstOrDefault(a => a is not null) is { } refused)
            return ShardRefused(stamp, "stage", refused);
        _memoryNewest = stamp;
        logger.LogDebug("Data pool of run {RunId}: memory bank update of {Count} rows staged for {Stamp}", RunId, indices.Length, stamp.ToString());
        return null;
    }

    public async Task<MemorySnapshot> MemoryAfter(long step)
    {
        var routing = RequireMemory("take it for a checkpoint");
        var slices = await Task.WhenAll(_bankShards.Select(b => b.After(step)));
        var rows = new float[(long)routing.DatasetSize * routing.Width];
        for (var j = 0; j < slices.Length; j++)
        {
            var range = routing.Ranges[j];
            if (slices[j].Rows.Length != (long)range.Count * routing.Width)
                throw new InvalidOperationException(
                    $"memory bank shard {j} of run {RunId} gave {slices[j].Rows.Length} floats for its {range.Count} rows of width {routing.Width}");
            Array.Copy(slices[j].Rows, 0, rows, (long)range.Start * routing.Width, slices[j].Rows.Length);
        }
        return new MemorySnapshot(step, routing.Width, rows);
    }

    public async Task RestoreMemory(MemorySnapshot memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var routing = RequireMemory("restore it");
        if (_memoryNewest is not null)
            throw new InvalidOperationException(
                $"the memory bank of run {RunId} has been used (newest stamp {_memoryNewest}): restore a checkpoint's bank only into a fresh pool, when the run is laid out again from it");
        if (memory.Width != routing.Width)
            throw new ArgumentException(
                $"the memory bank of run {RunId} is {routing.Width} wide, but the checkpoint's is {memory.Width}: resume with the settings the checkpoint was trained with",
                nameof(memory));
        if (memory.Rows.Length != (long)routing.DatasetSize * routing.Width)
            throw new ArgumentException(
                $"the memory bank of run {RunId} holds {routing.DatasetSize} rows of width {routing.Width}, but the checkpoint gives {memory.Rows.Length} floats: resume with the dataset the checkpoint was trained on",
                nameof(memory));
        if (memory.AfterStep != _committedStep)
            throw new InvalidOperationException(
                $"the checkpoint's memory bank is after step {memory.AfterStep}, but the data pool of run {RunId} is at the positions after step {_committedStep}: " +
                "restore the positions of the same checkpoint first (Restore), then its bank");

        await Task.WhenAll(_bankShards.Select((b, j) =>
        {
            var range = routing.Ranges[j];
            var slice = memory.Rows.AsSpan((int)((long)range.Start * routing.Width), range.Count * routing.Width).ToArray();
            return b.Restore(new MemorySnapshot(memory.AfterStep, routing.Width, slice));
        }));
        _memoryFloor = memory.AfterStep;
        logger.LogInformation("Data pool of run {RunId}: memory bank of {Rows} rows × {Width} restored to the rows after step {Step}",
            RunId, routing.DatasetSize, routing.Width, memory.AfterStep);
    }

    /// <summary>The bank shard grains of a run whose settings keep a bank; none otherwise.</summary>
    private IMemoryBankShardGrain[] BankShards(DataPoolSettings settings) =>
        settings.MemoryWidth < 1
            ? []
            : Enumerable.Range(0, settings.ShardCount)
                .Select(j => GrainFactory.GetGrain<IMemoryBankShardGrain>(DataShardKey.Of(RunId, j)))
                .ToArray();

    private void ConfigureMemory(DataPoolSettings settings, IMemoryBankShardGrain[] bank)
    {
        _bankShards = bank;
        _routing = settings.MemoryWidth < 1 ? null : new MemoryRouting(settings);
    }

    private MemoryRouting RequireMemory(string action)
    {
        var settings = _settings ?? throw new InvalidOperationException(
            $"data pool of run {RunId} has no settings, so its memory bank cannot {action}: call Configure first");
        return _routing ?? throw new InvalidOperationException(
            $"run {RunId} keeps no memory bank: its data pool settings have MemoryWidth = {settings.MemoryWidth}, so the bank cannot {action}; " +
            "configure the run with the width its objective needs (e.g. 128 for PIRL)");
    }

    private RefusalReason? JudgeMemory(StepStamp stamp, string action)
    {
        var reason = MemoryStampRules.Judge(RunId, _memoryNewest, _memoryFloor, stamp);
        if (reason is { } refused)
        {
            _refusals.Count(refused);
            logger.LogWarning("Data pool of run {RunId}: refused memory bank {Action} stamped {Stamp} (newest: {Newest}): {Reason}",
                RunId, action, stamp.ToString(), _memoryNewest?.ToString(), refused);
        }
        return reason;
    }

    /// <summary>A shard refusing what the pool took means a shard saw messages the pool did not
    /// (another pool for this run): the refusal is passed on, and logged as the error it is.</summary>
    private RefusalReason ShardRefused(StepStamp stamp, string action, RefusalReason reason)
    {
        _refusals.Count(reason);
        logger.LogError("Data pool of run {RunId}: a memory bank shard refused the {Action} stamped {Stamp} that the pool took ({Reason}); the bank shards may disagree: lay the run out again from its checkpoint",
            RunId, action, stamp.ToString(), reason);
        return reason;
    }

    private static void CheckUpdate(MemoryRouting routing, StepStamp stamp, int[] indices, float[] rows)
    {
        if (rows.Length != (long)indices.Length * routing.Width)
            throw new ArgumentException(
                $"the update for {stamp} has {rows.Length} floats for {indices.Length} rows of width {routing.Width}: send {indices.Length} × {routing.Width} floats, row-major",
                nameof(rows));
        var seen = new HashSet<int>();
        foreach (var index in indices)
        {
            routing.ShardOf(index); // throws for an index outside the dataset
            if (!seen.Add(index))
                throw new ArgumentException(
                    $"index {index} appears twice in the update for {stamp}: an update gives each image one row, combine them before staging",
                    nameof(indices));
        }
        for (long k = 0; k < rows.Length; k++)
            if (!float.IsFinite(rows[k]))
                throw new ArgumentException(
                    $"the update for {stamp} gives image {indices[k / routing.Width]} a non-finite value ({rows[k]}): the embeddings diverged; fix the step rather than store it",
                    nameof(rows));
    }
}
