using System.Diagnostics;

namespace BamOrleans.Client.Connection;

/// <summary>
/// The Orleans client's connection retry filter for one connect: tries again, with a growing pause,
/// as long as the connect timeout leaves room for another attempt, and remembers the last failure
/// for the message. One Debug line per failed attempt: a few lines, not a storm, when nothing answers.
/// </summary>
internal sealed class ConnectAttempts(TimeSpan timeout, string where, Serilog.ILogger log)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    /// <summary>Less time than this left is not worth another attempt.</summary>
    private static readonly TimeSpan MinimumTry = TimeSpan.FromMilliseconds(100);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _failures;
    private bool _lastAttemptMade;

    private volatile bool _connected;

    /// <summary>Set once the client has started: from then on a failure is news, not an attempt.</summary>
    public bool Connected
    {
        get => _connected;
        set => _connected = value;
    }

    /// <summary>The last reason an attempt failed, or null before any failed.</summary>
    public Exception? LastFailure { get; private set; }

    public TimeSpan Remaining => timeout - _clock.Elapsed;

    public void Record(Exception failure)
    {
        LastFailure = failure;
        _failures++;
    }

    /// <summary>Orleans' <c>IClientConnectionRetryFilter</c> contract: true to try again.</summary>
    public async Task<bool> ShouldRetry(Exception failure, CancellationToken cancellation)
    {
        Record(failure);
        // Doubling pauses: silos still starting get a quick second try, a dead address only a handful.
        var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(_failures - 1, 8)));
        // The last pause is cut to the time left, so the last attempt comes just before the timeout
        // (a silo may be seconds from up) and the caller's token ends any attempt still running then.
        if (Remaining < MinimumTry) return false;
        if (pause > Remaining - MinimumTry)
        {
            // Only one shortened pause: after it, a refused connect would come back at once and
            // be retried again and again within the last few milliseconds.
            if (_lastAttemptMade) return false;
            _lastAttemptMade = true;
            pause = Remaining - MinimumTry;
        }
        log.Debug("No answer from {Cluster} (attempt {Attempt}: {Reason}); trying again in {Pause} ms",
            where, _failures, failure.Message, (int)pause.TotalMilliseconds);
        await Task.Delay(pause, cancellation);
        return true;
    }
}
