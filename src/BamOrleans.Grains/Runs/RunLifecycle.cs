namespace BamOrleans.Grains.Runs;

/// <summary>
/// The allowed status moves of a run. Repeating a move that already happened is a no-op (so a
/// client may retry after a timeout); leaving a final status is an error.
/// </summary>
internal static class RunLifecycle
{
    public static bool IsFinal(RunStatus status) => status.IsFinal();

    /// <summary>Returns whether <paramref name="from"/> → <paramref name="to"/> changes anything; throws if it is not allowed.</summary>
    public static bool Move(RunStatus from, RunStatus to)
    {
        if (from == to) return false;
        var allowed = (from, to) switch
        {
            (RunStatus.Created, RunStatus.Running) => true,
            (RunStatus.Paused, RunStatus.Running) => true,
            (RunStatus.Running, RunStatus.Paused) => true,
            (_, RunStatus.Completed) or (_, RunStatus.Failed) or (_, RunStatus.Cancelled) => !IsFinal(from),
            _ => false,
        };
        return allowed ? true : throw new InvalidOperationException($"a run cannot go from {from} to {to}");
    }
}
