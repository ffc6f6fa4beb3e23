using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>One shard as the pool sees it after the last committed step.</summary>
/// <param name="Shard">The shard's index.</param>
/// <param name="Range">The dataset indices it owns.</param>
/// <param name="Position">How many of them the epoch has consumed (the next one to hand out).</param>
/// <param name="Holder">The slot leasing it, or null while it is free in the pool.</param>
[GenerateSerializer, Immutable, Alias("bam.ShardLease")]
public sealed record ShardLease(
    [property: Id(0)] int Shard,
    [property: Id(1)] ShardRange Range,
    [property: Id(2)] int Position,
    [property: Id(3)] string? Holder)
{
    public int Remaining => Range.Count - Position;
}

/// <summary>A copy of a run's data pool at one moment, for clients, dashboards and tests.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Settings">The configured settings, or null before <see cref="IDataPoolGrain.Configure"/>.</param>
/// <param name="Epoch">The epoch of the committed positions.</param>
/// <param name="CommittedStep">The last step whose draws are committed; -1 before any.</param>
/// <param name="Planned">The stamp of the newest planned (not yet committed) step, or null before the first draw.</param>
/// <param name="Shards">Every shard's committed position and lease holder, by shard index.</param>
/// <param name="Refusals">Refused draws by reason (reasons never seen are absent).</param>
[GenerateSerializer, Immutable, Alias("bam.DataPoolSnapshot")]
public sealed record DataPoolSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] DataPoolSettings? Settings,
    [property: Id(2)] int Epoch,
    [property: Id(3)] long CommittedStep,
    [property: Id(4)] StepStamp? Planned,
    [property: Id(5)] IReadOnlyList<ShardLease> Shards,
    [property: Id(6)] IReadOnlyDictionary<RefusalReason, long> Refusals)
{
    /// <summary>All refusals, whatever the reason.</summary>
    public long TotalRefusals => Refusals.Values.Sum();

    /// <summary>Refusals counted under one reason.</summary>
    public long RefusalsFor(RefusalReason reason) => Refusals.GetValueOrDefault(reason);
}
