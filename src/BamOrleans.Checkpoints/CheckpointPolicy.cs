namespace BamOrleans.Checkpoints;

/// <summary>
/// When to checkpoint: every N steps, every interval of wall-clock time, or both (whichever comes
/// first), keeping the newest <see cref="KeepLast"/>. Steps make checkpoints reproducible across
/// runs; an interval bounds the work a preemption can lose when steps are slow.
/// </summary>
/// <param name="EveryNSteps">Checkpoint when the next step is a multiple of N; 0 for none by steps.</param>
/// <param name="EveryInterval">Checkpoint when this much time has passed since the last one; null for none by time.</param>
/// <param name="KeepLast">Committed checkpoints kept (≥ 1).</param>
public sealed record CheckpointPolicy(int EveryNSteps, TimeSpan? EveryInterval, int KeepLast)
{
    /// <summary>
    /// Whether to checkpoint at the boundary before <paramref name="nextStep"/>. Never at step 0
    /// (nothing trained yet). A caller that has just resumed from step s skips s itself: the
    /// checkpoint it would write is the one it loaded.
    /// </summary>
    public bool Due(long nextStep, DateTime lastCheckpointUtc, DateTime nowUtc)
    {
        if (nextStep <= 0) return false;
        if (EveryNSteps > 0 && nextStep % EveryNSteps == 0) return true;
        return EveryInterval is { } interval && nowUtc - lastCheckpointUtc >= interval;
    }

    /// <summary>Every problem, one line each naming the setting and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (EveryNSteps < 0)
            problems.Add($"checkpoint everyNSteps = {EveryNSteps}: use 0 (not by steps) or a positive step count.");
        if (EveryInterval is { } interval && interval <= TimeSpan.Zero)
            problems.Add($"checkpoint everyInterval = {interval}: use a positive duration, or leave it unset.");
        if (EveryNSteps == 0 && EveryInterval is null)
            problems.Add("checkpoint policy has neither everyNSteps nor everyInterval, so no checkpoint would ever be taken: set one of them.");
        if (KeepLast < 1)
            problems.Add($"checkpoint keepLast = {KeepLast}: use ≥ 1 (the newest checkpoint is what a restart resumes from); 2 or more survives a corrupt newest one.");
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid checkpoint policy:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }
}
