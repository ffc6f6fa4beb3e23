using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>
/// The open step as planned under one generation, with every slot's indices already read, so that
/// repeated draws are answered identically and without touching the shards again.
/// </summary>
internal sealed record StepAttempt(StepStamp Stamp, StepPlan Plan, IReadOnlyList<int[]> Indices)
{
    public bool IsFor(IReadOnlyList<string> slotIds) => Plan.SlotIds.SequenceEqual(slotIds, StringComparer.Ordinal);
}
