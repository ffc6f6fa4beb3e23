using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Runs;

/// <summary>Counts refused step messages by reason, for the status snapshot.</summary>
internal sealed class RefusalCounter
{
    private readonly Dictionary<RefusalReason, long> _counts = [];

    public void Count(RefusalReason reason) => _counts[reason] = _counts.GetValueOrDefault(reason) + 1;

    public IReadOnlyDictionary<RefusalReason, long> Snapshot() => new Dictionary<RefusalReason, long>(_counts);
}
