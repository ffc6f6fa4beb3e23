namespace BamOrleans.Tests.Shared;

/// <summary>
/// A point in time every wait of a test (or of the chaos bench) must finish by. Polls a condition
/// until it holds or the deadline passes; then fails saying what was awaited and what was seen last.
/// </summary>
internal sealed class Deadline(TimeSpan budget)
{
    private readonly DateTime _end = DateTime.UtcNow + budget;

    public TimeSpan Remaining => _end - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public bool Passed => Remaining == TimeSpan.Zero;

    /// <summary>A token cancelled when the deadline passes.</summary>
    public CancellationToken Token() => new CancellationTokenSource(Remaining).Token;

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true, at most until <paramref name="limit"/>
    /// (default: the deadline) runs out. Exceptions count as "not yet" (a call may fail while the
    /// leader is down); an attempt slower than <paramref name="attemptLimit"/> is abandoned, so one
    /// call stuck on a dead silo cannot eat the budget. Fails saying what was awaited and seen last.
    /// </summary>
    public async Task Until(string what, Func<Task<bool>> probe, Func<string>? describe = null,
        TimeSpan? interval = null, TimeSpan? attemptLimit = null, TimeSpan? limit = null)
    {
        var end = DateTime.UtcNow + (limit is { } l && l < Remaining ? l : Remaining);
        Exception? last = null;
        while (true)
        {
            var left = end - DateTime.UtcNow;
            try
            {
                if (left > TimeSpan.Zero)
                {
                    var attempt = attemptLimit ?? TimeSpan.FromSeconds(5);
                    if (await probe().WaitAsync(attempt < left ? attempt : left)) return;
                    last = null;
                }
            }
            catch (WaitAbortedException)
            {
                throw;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (DateTime.UtcNow >= end)
                throw new TimeoutException($"gave up waiting for {what}" + (limit is null ? " (deadline passed)" : $" after {limit.Value.TotalSeconds:F0} s")
                    + (describe is null ? "" : $"; last seen: {describe()}")
                    + (last is null ? "" : $"; last error: {last.GetType().Name}: {last.Message}"));
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }
}

/// <summary>Thrown from inside a wait when waiting longer is pointless (the run or a slot failed):
/// <see cref="Deadline.Until"/> lets it through instead of retrying.</summary>
internal sealed class WaitAbortedException(string message) : Exception(message);
