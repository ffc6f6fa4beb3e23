using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// Collects the reports of one step from every expected slot. Judging whether a report may enter
/// is <see cref="StaleMessagePolicy"/>'s job; the barrier only stores accepted reports, says when
/// the last one arrived, and then opens the next step.
/// </summary>
internal sealed class StepBarrier
{
    private readonly Dictionary<string, StepPayload> _reports = new(StringComparer.Ordinal);
    private HashSet<string> _expected;

    public StepBarrier(StepStamp position, IEnumerable<string> expectedSlots)
    {
        Position = position;
        _expected = new HashSet<string>(expectedSlots, StringComparer.Ordinal);
    }

    /// <summary>Run id, generation and the step now open.</summary>
    public StepStamp Position { get; private set; }

    public bool HasReported(string slotId) => _reports.ContainsKey(slotId);

    public IReadOnlyList<string> ReportedSlots => _reports.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Stores an accepted report. When it is the last expected one, returns the completed step
    /// (contributions ordered by slot id) and opens the next step with the same slots.
    /// </summary>
    public StepResult? Add(string slotId, StepPayload payload)
    {
        if (!_expected.Contains(slotId))
            throw new InvalidOperationException($"slot {slotId} is not expected at {Position}; judge submissions before adding them");
        if (!_reports.TryAdd(slotId, payload))
            throw new InvalidOperationException($"slot {slotId} already reported at {Position}; judge submissions before adding them");
        if (!_expected.SetEquals(_reports.Keys)) return null;

        var contributions = _reports
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new SlotContribution(r.Key, r.Value))
            .ToArray();
        var result = new StepResult(Position, contributions);
        _reports.Clear();
        Position = Position with { Step = Position.Step + 1 };
        return result;
    }

    /// <summary>Opens <paramref name="step"/> instead of the current one (a run resumed from a
    /// checkpoint taken before that step). Only before any report arrived.</summary>
    public void MoveTo(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (_reports.Count > 0)
            throw new InvalidOperationException($"step {Position.Step} already has reports; a barrier moves only while empty");
        Position = Position with { Step = step };
    }

    /// <summary>
    /// Membership changed: the open step restarts under the new generation with the new slot set.
    /// Reports gathered so far are dropped, because they were computed by the old membership.
    /// </summary>
    public void Reopen(long generation, IEnumerable<string> expectedSlots)
    {
        _reports.Clear();
        _expected = new HashSet<string>(expectedSlots, StringComparer.Ordinal);
        Position = Position with { Generation = generation };
    }
}
