using BamOrleans.Grains.Placement;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Data;

/// <summary>
/// One shard of a run's dataset: its index range, its per-epoch order (<see cref="ShardOrder"/>,
/// the current epoch's kept in memory) and its committed position, the source of truth for how far
/// it has been consumed. The pool decides who reads what; the shard only answers reads and refuses
/// to hand out, or to roll back over, samples a committed step already consumed.
/// </summary>
/// <remarks>
/// Every method is synchronous, so calls never interleave half-way. State is in memory for now
/// (persistence to the blob store comes later), so the grain is kept active: an idle collection
/// would silently reset the committed position and an epoch's samples would be drawn twice.
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true), LeaderPlacement]
internal sealed class DataShardGrain(ILogger<DataShardGrain> logger) : Grain, IDataShardGrain
{
    private DataPoolSettings? _settings;
    private ShardRange _range;
    private long _committedStep = -1;
    private int _epoch;
    private int _position;
    private int _cachedEpoch = -1;
    private int[] _cachedOrder = [];

    private string Key => this.GetPrimaryKeyString();

    public Task<DataShardState> Configure(DataPoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        if (_settings is not null)
        {
            if (_settings == settings) return Task.FromResult(State());
            throw new InvalidOperationException(
                $"data shard {Key} is configured with {_settings}; it cannot change to {settings}: a run's data settings are fixed");
        }
        var (_, shard) = DataShardKey.Parse(Key);
        if (shard >= settings.ShardCount)
            throw new ArgumentException(
                $"data shard {Key} is shard {shard}, but the settings cut the dataset into {settings.ShardCount} shards (0..{settings.ShardCount - 1}): configure shards through their pool",
                nameof(settings));
        _settings = settings;
        _range = settings.RangeOf(shard);
        logger.LogDebug("Data shard {Key} configured: indices {Range}", Key, _range.ToString());
        return Task.FromResult(State());
    }

    public Task<int[]> Read(int epoch, int from, int count)
    {
        var settings = RequireSettings("read");
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (from + count > _range.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"data shard {Key} holds {_range.Count} samples; positions {from}..{from + count - 1} run past its end");
        if (epoch < _epoch || (epoch == _epoch && from < _position))
            throw new InvalidOperationException(
                $"data shard {Key} has committed epoch {_epoch} up to position {_position} (step {_committedStep}); " +
                $"reading epoch {epoch} from position {from} would hand out consumed samples: plan from the committed positions");
        return Task.FromResult(OrderOf(settings, epoch).AsSpan(from, count).ToArray());
    }

    public Task<DataShardState> Commit(ShardCommit commit)
    {
        RequireSettings("commit");
        if (commit.Step < _committedStep) return Task.FromResult(State()); // a late copy of an older commit
        if (commit.Step == _committedStep)
        {
            if (commit.Epoch == _epoch && commit.Position == _position) return Task.FromResult(State()); // a retry
            throw new InvalidOperationException(
                $"data shard {Key} already committed step {commit.Step} at epoch {_epoch} position {_position}; " +
                $"a second commit says epoch {commit.Epoch} position {commit.Position}: two pools plan for this run");
        }
        if (commit.Position < 0 || commit.Position > _range.Count)
            throw new ArgumentOutOfRangeException(nameof(commit), $"data shard {Key} holds {_range.Count} samples; position {commit.Position} is outside 0..{_range.Count}");
        if (commit.Epoch < _epoch || (commit.Epoch == _epoch && commit.Position < _position))
            throw new InvalidOperationException(
                $"data shard {Key} is at epoch {_epoch} position {_position} (step {_committedStep}); step {commit.Step} " +
                $"would move it back to epoch {commit.Epoch} position {commit.Position}: positions only move forward");
        _committedStep = commit.Step;
        _epoch = commit.Epoch;
        _position = commit.Position;
        return Task.FromResult(State());
    }

    public Task<DataShardState> GetState() => Task.FromResult(State());

    public Task Discard()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private DataPoolSettings RequireSettings(string action) =>
        _settings ?? throw new InvalidOperationException($"data shard {Key} has no settings, so it cannot {action}: configure the run's data pool first");

    private int[] OrderOf(DataPoolSettings settings, int epoch)
    {
        if (epoch != _cachedEpoch)
        {
            _cachedOrder = ShardOrder.Of(settings.Seed, epoch, DataShardKey.Parse(Key).Shard, _range);
            _cachedEpoch = epoch;
        }
        return _cachedOrder;
    }

    private DataShardState State()
    {
        var (runId, shard) = DataShardKey.Parse(Key);
        return new DataShardState(runId, shard, _range, _settings is not null, _committedStep, _epoch, _position);
    }
}
