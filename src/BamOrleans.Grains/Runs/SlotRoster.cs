namespace BamOrleans.Grains.Runs;

/// <summary>
/// The run's registered slots (slot id → silo) and its membership generation. Every change of the
/// slot set bumps the generation exactly once; a repeated identical registration changes nothing.
/// </summary>
/// <param name="generation">The last generation used before (0 for a new run; the persisted one
/// after a restart, so generations never repeat).</param>
internal sealed class SlotRoster(long generation = 0)
{
    private readonly SortedDictionary<string, SiloAddress> _slots = new(StringComparer.Ordinal);

    /// <summary>The starting generation until the first slot registers; +1 on every change of the slot set.</summary>
    public long Generation { get; private set; } = generation;

    public int Count => _slots.Count;

    public IReadOnlyCollection<string> SlotIds => _slots.Keys;

    public bool Contains(string slotId) => _slots.ContainsKey(slotId);

    /// <summary>Adds or moves a slot. Returns whether the generation changed.</summary>
    public bool Register(string slotId, SiloAddress silo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slotId);
        ArgumentNullException.ThrowIfNull(silo);
        if (_slots.TryGetValue(slotId, out var known) && known.Equals(silo)) return false;
        _slots[slotId] = silo;
        Generation++;
        return true;
    }

    /// <summary>Removes a slot. Returns whether the generation changed.</summary>
    public bool Unregister(string slotId)
    {
        if (!_slots.Remove(slotId)) return false;
        Generation++;
        return true;
    }

    /// <summary>Starts a new generation with the same slots: what was sent under the old one
    /// becomes stale (a step abandoned half-way by a pause restarts cleanly).</summary>
    public void Renew() => Generation++;

    /// <summary>Removes every slot on <paramref name="silo"/> with a single generation bump; returns their ids.</summary>
    public IReadOnlyList<string> RemoveSilo(SiloAddress silo)
    {
        var removed = _slots.Where(s => s.Value.Equals(silo)).Select(s => s.Key).ToList();
        foreach (var slot in removed) _slots.Remove(slot);
        if (removed.Count > 0) Generation++;
        return removed;
    }

    public IReadOnlyDictionary<string, SiloAddress> Snapshot() =>
        new Dictionary<string, SiloAddress>(_slots, StringComparer.Ordinal);
}
