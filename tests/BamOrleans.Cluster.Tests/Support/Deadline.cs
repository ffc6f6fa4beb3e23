namespace BamOrleans.Cluster.Tests.Support;

/// <summary>
/// A point in time every wait of a test must finish by. Polls a condition until it holds or the
/// deadline passes; then fails with a message saying what was awaited and what was seen last.
/// </summary>
internal sealed class Deadline(TimeSpan budget)
{
    private readonly DateTime _end = DateTime.UtcNow + budget;

    public TimeSpan Remaining => _end - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public bool Passed => Remaining == TimeSpan.Zero;

    /// <summary>A token cancelled when the deadline passes.</summary>
    public CancellationToken Token() => new CancellationTokenSource(Remaining).Token;

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Exceptions count as "not yet" and are
    /// reported; an attempt slower than <paramref name="attemptLimit"/> (default 5 s) is abandoned
    /// and retried, so one call stuck on a dead silo cannot eat the whole budget.
    /// </summary>
    public async Task Until(string what, Func<Task<bool>> probe, Func<string>? describe = null,
        TimeSpan? interval = null, TimeSpan? attemptLimit = null)
    {
        Exception? last = null;
        while (true)
        {
            try
            {
                var limit = attemptLimit ?? TimeSpan.FromSeconds(5);
                if (await probe().WaitAsync(limit < Remaining ? limit : Remaining)) return;
                last = null;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (Passed)
                throw new TimeoutException($"deadline passed waiting for {what}"
                    + (describe is null ? "" : $"; last seen: {describe()}")
                    + (last is null ? "" : $"; last error: {last.GetType().Name}: {last.Message}"));
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
