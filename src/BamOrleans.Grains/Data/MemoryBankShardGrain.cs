using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Data;

/// <summary>
/// The memory bank rows of one data shard's indices (<see cref="MemoryBankShard"/>), beside the
/// data shard: judges each message's stamp (<see cref="MemoryStampRules"/>), hands the rest to the
/// bank, and logs.
/// </summary>
/// <remarks>
/// Every method is synchronous, so calls never interleave half-way. The rows are in memory, so the
/// grain is kept active (an idle collection would silently reset the bank to its starting rows)
/// and lives on the leader silo with its pool and data shards: losing another silo loses none of
/// it, and losing the leader makes the run lay itself out again from its latest checkpoint, which
/// holds the bank.
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true), LeaderPlacement]
internal sealed class MemoryBankShardGrain(ILogger<MemoryBankShardGrain> logger) : Grain, IMemoryBankShardGrain
{
    private DataPoolSettings? _settings;
    private MemoryBankShard? _bank;
    private StepStamp? _newest;

    private string Key => this.GetPrimaryKeyString();

    public Task Configure(DataPoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        if (_settings is not null)
        {
            if (_settings == settings) return Task.CompletedTask;
            throw new InvalidOperationException(
                $"memory bank shard {Key} is configured with {_settings}; it cannot change to {settings}: a run's data settings are fixed");
        }
        if (settings.MemoryWidth < 1)
            throw new ArgumentException(
                $"memory bank shard {Key} was given settings without a memory bank (MemoryWidth {settings.MemoryWidth}): configure bank shards through the pool of a run that keeps one",
                nameof(settings));
        var (_, shard) = DataShardKey.Parse(Key);
        if (shard >= settings.ShardCount)
            throw new ArgumentException(
                $"memory bank shard {Key} is shard {shard}, but the settings cut the dataset into {settings.ShardCount} shards (0..{settings.ShardCount - 1}): configure bank shards through their pool",
                nameof(settings));
        _settings = settings;
        _bank = new MemoryBankShard(settings.Seed, settings.RangeOf(shard), settings.MemoryWidth);
        logger.LogDebug("Memory bank shard {Key} configured: indices {Range}, width {Width}", Key, _bank.Range.ToString(), _bank.Width);
        return Task.CompletedTask;
    }

    public Task<MemoryRows> Read(StepStamp stamp, int[] indices)
    {
        var bank = RequireBank("read");
        if (Judge(bank, stamp, "read") is { } reason) return Task.FromResult(MemoryRows.Refusal(stamp, bank.Width, reason));
        var rows = bank.Read(stamp.Step, indices);
        _newest = stamp;
        return Task.FromResult(new MemoryRows(stamp, bank.Width, rows, null));
    }

    public Task<RefusalReason?> Stage(StepStamp stamp, int[] indices, float[] rows)
    {
        var bank = RequireBank("stage an update");
        if (Judge(bank, stamp, "stage") is { } reason) return Task.FromResult<RefusalReason?>(reason);
        var replaces = bank.StagedStep == stamp.Step;
        bank.Stage(stamp.Step, indices, rows);
        if (replaces)
            logger.LogDebug("Memory bank shard {Key}: step {Step}'s update replaced by generation {Generation}'s", Key, stamp.Step, stamp.Generation);
        _newest = stamp;
        return Task.FromResult<RefusalReason?>(null);
    }

    public Task<MemorySnapshot> After(long step)
    {
        var bank = RequireBank("give its rows");
        return Task.FromResult(new MemorySnapshot(step, bank.Width, bank.After(step)));
    }

    public Task Restore(MemorySnapshot rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var bank = RequireBank("restore");
        if (rows.Width != bank.Width)
            throw new ArgumentException(
                $"memory bank shard {Key} holds rows of width {bank.Width}, but the checkpoint's are {rows.Width} wide: restore a checkpoint of this run, or configure the width it was trained with",
                nameof(rows));
        bank.Restore(rows.AfterStep, rows.Rows);
        // Steps up to the checkpoint's are over (the bank's floor); anything seen before is forgotten.
        _newest = null;
        logger.LogDebug("Memory bank shard {Key}: restored to the rows after step {Step}", Key, rows.AfterStep);
        return Task.CompletedTask;
    }

    public Task Discard()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private RefusalReason? Judge(MemoryBankShard bank, StepStamp stamp, string action)
    {
        var reason = MemoryStampRules.Judge(DataShardKey.Parse(Key).RunId, _newest, bank.CommittedStep, stamp);
        if (reason is null && !bank.Accepts(stamp.Step)) reason = RefusalReason.StaleStep;
        if (reason is { } refused)
            logger.LogWarning("Memory bank shard {Key}: refused {Action} stamped {Stamp} (newest: {Newest}, committed step {Committed}): {Reason}",
                Key, action, stamp.ToString(), _newest?.ToString(), bank.CommittedStep, refused);
        return reason;
    }

    private MemoryBankShard RequireBank(string action) =>
        _bank ?? throw new InvalidOperationException($"memory bank shard {Key} has no settings, so it cannot {action}: configure the run's data pool with a memory width first");
}
