namespace BamOrleans.Grains.Runs;

/// <summary>How much of a run's timeline is kept with it.</summary>
public static class RunEvents
{
    /// <summary>The newest entries kept: enough for weeks of spot preemptions, small enough to
    /// persist with the run's record at every change.</summary>
    public const int Kept = 500;

    /// <summary>Appends <paramref name="entry"/>, dropping the oldest beyond <see cref="Kept"/>.</summary>
    public static void Append(List<RunEvent> timeline, RunEvent entry)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        timeline.Add(entry);
        if (timeline.Count > Kept) timeline.RemoveRange(0, timeline.Count - Kept);
    }
}
