using System.Collections.Concurrent;
using BamOrleans.Grains.Training;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>One slot's record of one step, with the slot that kept it.</summary>
internal sealed record LedgerEntry(string SlotKey, SlotStepRecord Record);

/// <summary>
/// Every step record any slot of the run ever reported, gathered while the run churns (a killed
/// slot takes its memory with it, so the histories are read often and kept here). Records are keyed
/// by slot, step and generation: reading a history twice adds nothing.
/// </summary>
/// <remarks>
/// Generations only grow, and a step redone after a rollback is redone in a newer generation, so
/// the record of a step with the highest generation is the final lineage's: the steps the finished
/// model actually went through. Older generations' records of the same step are work that was lost.
/// </remarks>
internal sealed class StepLedger
{
    private readonly ConcurrentDictionary<(string Slot, long Step, long Generation), SlotStepRecord> _records = new();
    private readonly ConcurrentDictionary<string, long> _lastRead = new();
    private readonly ConcurrentDictionary<(long Step, long Generation), double> _firstSeen = new();

    /// <summary>Adds a slot's history as read at <paramref name="seenAt"/> seconds on the run's clock.</summary>
    public void Add(string slotKey, IEnumerable<SlotStepRecord> history, double seenAt = 0)
    {
        foreach (var record in history)
        {
            _records.TryAdd((slotKey, record.Step, record.Generation), record);
            _firstSeen.TryAdd((record.Step, record.Generation), seenAt);
            _lastRead.AddOrUpdate(slotKey, record.Step, (_, last) => Math.Max(last, record.Step));
        }
    }

    public IReadOnlyList<LedgerEntry> Entries =>
        _records.Select(r => new LedgerEntry(r.Key.Slot, r.Value)).OrderBy(e => e.Record.Step).ThenBy(e => e.Record.Generation)
            .ThenBy(e => e.Record.SlotIndex).ToList();

    /// <summary>The newest step read from <paramref name="slotKey"/>'s history (−1: none).</summary>
    public long LastStepRead(string slotKey) => _lastRead.GetValueOrDefault(slotKey, -1);

    /// <summary>The highest step recorded (−1: none).</summary>
    public long HighestStep => _records.IsEmpty ? -1 : _records.Keys.Max(k => k.Step);

    /// <summary>Steps completed as far as the records of generations up to <paramref name="generation"/>
    /// show: the highest such step + 1 (0 when none).</summary>
    public long CompletedThrough(long generation) =>
        _records.Keys.Where(k => k.Generation <= generation).Select(k => k.Step + 1).DefaultIfEmpty(0).Max();

    /// <summary>The first step recorded in a generation in (<paramref name="after"/>, <paramref name="upTo"/>]:
    /// where the run went on from after a loss; null when none was recorded.</summary>
    public long? FirstStepBetween(long after, long upTo) =>
        _records.Keys.Where(k => k.Generation > after && k.Generation <= upTo).Select(k => (long?)k.Step).Min();

    /// <summary>When a step completed in a generation newer than <paramref name="generation"/> was
    /// first read, and that generation; null when none was. (A read every 250 ms: a bound on when
    /// the run went on, for when no status poll saw it, e.g. while no client was connected.)</summary>
    public (double Seconds, long Generation)? FirstSeenAfter(long generation) =>
        _firstSeen.Where(f => f.Key.Generation > generation).OrderBy(f => f.Value).Select(f => ((double, long)?)(f.Value, f.Key.Generation)).FirstOrDefault();

    /// <summary>The final lineage: for every step, the records of its highest generation, in slot order.</summary>
    public IReadOnlyList<LineageStep> FinalLineage()
    {
        return _records.GroupBy(r => r.Key.Step).OrderBy(g => g.Key).Select(g =>
        {
            var generation = g.Max(r => r.Key.Generation);
            var records = g.Where(r => r.Key.Generation == generation)
                .Select(r => new LedgerEntry(r.Key.Slot, r.Value)).OrderBy(e => e.Record.SlotIndex).ToList();
            var superseded = g.Where(r => r.Key.Generation < generation).Select(r => r.Key.Generation).Distinct().Count();
            return new LineageStep(g.Key, generation, records, superseded);
        }).ToList();
    }
}

/// <summary>One step of the final lineage.</summary>
/// <param name="Step">The step.</param>
/// <param name="Generation">Its highest generation: the one the finished model went through.</param>
/// <param name="Records">Every slot's record of it in that generation, in slot order.</param>
/// <param name="SupersededGenerations">How many older generations also completed it (work redone).</param>
internal sealed record LineageStep(long Step, long Generation, IReadOnlyList<LedgerEntry> Records, int SupersededGenerations)
{
    public SlotStepRecord First => Records[0].Record;

    public double Loss => First.Loss;

    public int Epoch => First.Epoch;
}
