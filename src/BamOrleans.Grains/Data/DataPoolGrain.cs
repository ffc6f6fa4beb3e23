using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Data;

/// <summary>
/// A run's shard pool: judges each draw (<see cref="DrawRules"/>), plans the step for all slots
/// (<see cref="ShardDrawPlanner"/>), reads the planned positions from the shard grains, and commits
/// the previous step's positions to them when the next step is drawn. This class wires those
/// together, answers retries from the open attempt, counts refusals and logs.
/// </summary>
/// <remarks>
/// <para>Grain state changes only after every shard call of a draw has succeeded, so a failed draw
/// can simply be retried. The grain is not reentrant, so draws are handled one at a time even across
/// their shard calls.</para>
/// <para>The committed ledger here is the pool's copy of the shards' committed positions plus the
/// leases, which only the pool knows. State is in memory, so the grain is kept active (an idle
/// collection would forget the leases and the epoch's progress), and it lives on the leader silo
/// with its run and shards: losing another silo loses none of it, and losing the leader loses the
/// run's coordination as a whole, which is then laid out again from the latest checkpoint (whose
/// positions it holds).</para>
/// <para>The memory bank, when the run keeps one, is routed in DataPoolGrain.Memory.cs.</para>
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true), LeaderPlacement]
internal sealed partial class DataPoolGrain(ILogger<DataPoolGrain> logger) : Grain, IDataPoolGrain
{
    private readonly RefusalCounter _refusals = new();
    private DataPoolSettings? _settings;
    private IDataShardGrain[] _shards = [];
    private int[] _shardSizes = [];
    private LeaseBook? _committed;
    private long _committedStep = -1;
    private IReadOnlyList<string>? _committedSlots;
    private StepAttempt? _open;

    private string RunId => this.GetPrimaryKeyString();

    public async Task Configure(DataPoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        if (_settings is not null && _settings != settings)
            throw new InvalidOperationException(
                $"data pool of run {RunId} is configured with {_settings}; it cannot change to {settings}: a run's data settings are fixed (start a new run to change them)");

        // Also on a repeat, so a configuration that failed half-way is finished by the retry.
        var shards = Enumerable.Range(0, settings.ShardCount)
            .Select(j => GrainFactory.GetGrain<IDataShardGrain>(DataShardKey.Of(RunId, j)))
            .ToArray();
        var bank = BankShards(settings);
        await Task.WhenAll(shards.Select(s => s.Configure(settings)).Concat(bank.Select(b => b.Configure(settings))));
        if (_settings is not null) return;

        _settings = settings;
        _shards = shards;
        ConfigureMemory(settings, bank);
        _shardSizes = Enumerable.Range(0, settings.ShardCount).Select(j => settings.RangeOf(j).Count).ToArray();
        _committed = LeaseBook.Fresh(settings.ShardCount);
        logger.LogInformation("Data pool of run {RunId}: {DatasetSize} samples in {ShardCount} shards, {GlobalBatch} per step, {StepsPerEpoch} steps per epoch, memory bank width {MemoryWidth}",
            RunId, settings.DatasetSize, settings.ShardCount, settings.GlobalBatch, settings.StepsPerEpoch, settings.MemoryWidth);
    }

    public async Task<SlotDraw> Draw(StepStamp stamp, IReadOnlyList<string> slotIds, int slotIndex)
    {
        var settings = _settings ?? throw new InvalidOperationException($"data pool of run {RunId} has no settings: call Configure before drawing");
        CheckSlotList(slotIds, slotIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(stamp.Step);
        var batchPerSlot = settings.BatchPerSlot(slotIds.Count);
        var epoch = settings.EpochOf(stamp.Step);

        var decision = DrawRules.Judge(RunId, _open?.Stamp, stamp, _committedStep);
        if (decision.Refusal is { } reason)
        {
            _refusals.Count(reason);
            logger.LogWarning("Data pool of run {RunId}: refused draw of slot {SlotId} stamped {Stamp} (open: {Open}): {Reason}",
                RunId, slotIds[slotIndex], stamp.ToString(), _open?.Stamp.ToString(), reason);
            return SlotDraw.Refusal(stamp, epoch, reason);
        }
        if (decision.Action == DrawAction.Repeat)
            return Answer(_open!, slotIds, slotIndex);

        var toCommit = decision.Action == DrawAction.CommitThenPlan ? _open! : null;
        var start = toCommit?.Plan.End ?? _committed!;
        var plan = ShardDrawPlanner.Plan(start, _shardSizes, epoch, slotIds, batchPerSlot);
        var indices = await ReadIndices(plan);
        if (toCommit is not null) await CommitToShards(toCommit);

        if (toCommit is not null)
        {
            _committed = toCommit.Plan.End;
            _committedStep = toCommit.Stamp.Step;
            _committedSlots = toCommit.Plan.SlotIds;
        }
        else if (_open is { } aborted)
        {
            logger.LogInformation("Data pool of run {RunId}: step {Step} redone under generation {Generation} by {SlotCount} slots (was {OldGeneration})",
                RunId, stamp.Step, stamp.Generation, slotIds.Count, aborted.Stamp.Generation);
        }
        _open = new StepAttempt(stamp, plan, indices);
        foreach (var move in plan.Moves)
            logger.LogDebug("Data pool of run {RunId} at {Stamp}: shard {Shard} {From} -> {To}",
                RunId, stamp.ToString(), move.Shard, move.From ?? "pool", move.To ?? "pool");
        return Answer(_open, slotIds, slotIndex);
    }

    public Task<DataPositions> PositionsAfter(long step)
    {
        if (_open is { } open && open.Stamp.Step == step) return Task.FromResult(open.Plan.End.ToPositions(step, open.Plan.SlotIds));
        if (_committed is { } committed && _committedStep == step && _committedSlots is { } slots)
            return Task.FromResult(committed.ToPositions(step, slots));
        throw new InvalidOperationException(
            $"data pool of run {RunId} holds the positions after step {_committedStep} (committed) and {_open?.Stamp.Step.ToString() ?? "none"} (open), not after step {step}: " +
            "take them at the step boundary, before the step after next is drawn");
    }

    public async Task Restore(DataPositions positions, IReadOnlyList<string> slotIds)
    {
        ArgumentNullException.ThrowIfNull(slotIds);
        ArgumentNullException.ThrowIfNull(positions);
        var settings = _settings ?? throw new InvalidOperationException($"data pool of run {RunId} has no settings: call Configure before Restore");
        if (_open is not null || _committedStep >= 0)
            throw new InvalidOperationException(
                $"data pool of run {RunId} has already drawn (committed step {_committedStep}, open {_open?.Stamp.ToString() ?? "none"}): restore a checkpoint only into a fresh pool, when the cluster restarts from it");
        var book = LeaseBook.FromPositions(positions, settings.ShardCount, slotIds);
        await Task.WhenAll(Enumerable.Range(0, settings.ShardCount).Select(j =>
            _shards[j].Commit(new ShardCommit(positions.AfterStep, positions.Epoch, positions.Positions[j]))));
        _committed = book;
        _committedStep = positions.AfterStep;
        _committedSlots = slotIds;
        logger.LogInformation("Data pool of run {RunId}: restored to the positions after step {Step} (epoch {Epoch})",
            RunId, positions.AfterStep, positions.Epoch);
    }

    public async Task Discard()
    {
        if (_settings is { } settings)
            await Task.WhenAll(Enumerable.Range(0, settings.ShardCount)
                .Select(j => GrainFactory.GetGrain<IDataShardGrain>(DataShardKey.Of(RunId, j)).Discard())
                .Concat(BankShards(settings).Select(b => b.Discard())));
        logger.LogInformation("Data pool of run {RunId}: discarded after step {Step}, to be restored from a checkpoint", RunId, _committedStep);
        DeactivateOnIdle();
    }

    public Task<DataPoolSnapshot> GetSnapshot()
    {
        var book = _committed;
        var shards = book is null
            ? []
            : Enumerable.Range(0, book.ShardCount)
                .Select(j => new ShardLease(j, _settings!.RangeOf(j), book.PositionOf(j), book.HolderOf(j)))
                .ToList();
        return Task.FromResult(new DataPoolSnapshot(
            RunId, _settings, book?.Epoch ?? 0, _committedStep, _open?.Stamp, shards, _refusals.Snapshot()));
    }

    private static void CheckSlotList(IReadOnlyList<string> slotIds, int slotIndex)
    {
        ArgumentNullException.ThrowIfNull(slotIds);
        if (slotIds.Count == 0)
            throw new ArgumentException("the slot list is empty: pass the generation's slot ids, the caller's among them", nameof(slotIds));
        if (slotIndex < 0 || slotIndex >= slotIds.Count)
            throw new ArgumentOutOfRangeException(nameof(slotIndex), slotIndex,
                $"slot index {slotIndex} is not in the slot list of {slotIds.Count} slots (0..{slotIds.Count - 1}): pass the caller's own position in the list");
        if (slotIds.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("the slot list holds an empty slot id: every slot needs an id", nameof(slotIds));
        var duplicate = slotIds.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"slot {duplicate.Key} appears {duplicate.Count()} times in the slot list: list each slot once", nameof(slotIds));
    }

    private SlotDraw Answer(StepAttempt attempt, IReadOnlyList<string> slotIds, int slotIndex)
    {
        if (!attempt.IsFor(slotIds))
            throw new ArgumentException(
                $"step {attempt.Stamp.Step} of generation {attempt.Stamp.Generation} was planned for slots [{string.Join(", ", attempt.Plan.SlotIds)}], " +
                $"but this draw names [{string.Join(", ", slotIds)}]: a generation has one slot list, pass the one the run gave this generation",
                nameof(slotIds));
        return new SlotDraw(attempt.Stamp, attempt.Plan.Epoch, attempt.Indices[slotIndex], null);
    }

    /// <summary>Reads every take of the plan from its shard, in parallel, and assembles each slot's indices.</summary>
    private async Task<IReadOnlyList<int[]>> ReadIndices(StepPlan plan)
    {
        var takes = plan.AllTakes.ToArray();
        var slices = await Task.WhenAll(takes.Select(t => _shards[t.Shard].Read(plan.Epoch, t.From, t.Count)));
        var byTake = new Dictionary<ShardTake, int[]>();
        for (var i = 0; i < takes.Length; i++)
        {
            if (slices[i].Length != takes[i].Count)
                throw new InvalidOperationException($"data shard {takes[i].Shard} of run {RunId} returned {slices[i].Length} indices for a read of {takes[i].Count}");
            byTake.Add(takes[i], slices[i]);
        }
        return Enumerable.Range(0, plan.SlotIds.Count).Select(w => plan.IndicesOf(w, t => byTake[t])).ToArray();
    }

    private Task CommitToShards(StepAttempt attempt) =>
        Task.WhenAll(attempt.Plan.TouchedShards.Select(j =>
            _shards[j].Commit(new ShardCommit(attempt.Stamp.Step, attempt.Plan.Epoch, attempt.Plan.End.PositionOf(j)))));
}
