using System.Diagnostics;
using BamOrleans.Grains.Runs;
using Serilog;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// Polls the run grain's status every 20 ms in the background and keeps the latest answer with the
/// time it was seen, so that "the next completed step" is timed to within a poll. Calls fail while
/// the leader is down or no client is connected; those polls are skipped, never fatal.
/// </summary>
internal sealed class RunMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(2);
    private readonly ChaosCluster _cluster;
    private readonly string _runId;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ILogger _log;
    private readonly List<Observation> _changes = [];
    private Observation? _latest;
    private long _failedPolls;

    /// <param name="clock">The run's clock: observation times are read from it.</param>
    public RunMonitor(ChaosCluster cluster, string runId, Stopwatch clock, ILogger log)
    {
        _cluster = cluster;
        _runId = runId;
        _clock = clock;
        _log = log.ForContext<RunMonitor>();
        _loop = Task.Run(Loop);
    }

    /// <summary>One status as seen at <see cref="Seconds"/> on the run's clock.</summary>
    public sealed record Observation(RunStatusSnapshot Status, double Seconds)
    {
        public long Completed => Status.CompletedSteps;

        public long Generation => Status.Current.Generation;
    }

    /// <summary>The run's clock, from launch.</summary>
    public Stopwatch Clock => _clock;

    /// <summary>The latest status seen (null before the first).</summary>
    public Observation? Latest => Volatile.Read(ref _latest);

    /// <summary>Every observation that differed from the one before it (steps completed, generation
    /// or slots), from <paramref name="seconds"/> on: the run's progress without gaps between polls.</summary>
    public IReadOnlyList<Observation> ChangesSince(double seconds)
    {
        lock (_changes) return _changes.Where(c => c.Seconds >= seconds).ToList();
    }

    /// <summary>Polls that failed (leader down, no client): a sign of outages, reported, not judged.</summary>
    public long FailedPolls => Interlocked.Read(ref _failedPolls);

    /// <summary>Asks the run grain now (bounded), for a fresh status at the moment of a kill;
    /// falls back to the latest poll when the call fails.</summary>
    public async Task<Observation> Fresh()
    {
        try
        {
            var status = await _cluster.Client.GetGrain<IRunGrain>(_runId).GetStatus().WaitAsync(CallLimit);
            var seen = new Observation(status, _clock.Elapsed.TotalSeconds);
            Record(seen);
            return seen;
        }
        catch (Exception e) when (Latest is { } latest)
        {
            _log.Warning("Fresh status failed ({Error}); using the one from {Seconds:F2} s", e.Message, latest.Seconds);
            return latest;
        }
    }

    /// <summary>Waits until an observation satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<Observation> WaitFor(string what, Func<Observation, bool> condition, Deadline deadline, TimeSpan? limit = null,
        Func<string>? describe = null)
    {
        Observation? found = null;
        await deadline.Until(what, () => Task.FromResult(Latest is { } seen && condition(seen) && (found = seen) is not null),
            () => $"{Describe(Latest)}; {FailedPolls} failed polls" + (describe is null ? "" : "\n" + describe()),
            interval: Interval, limit: limit);
        return found!;
    }

    public static string Describe(Observation? seen) => seen is null ? "no status yet"
        : $"{seen.Status.Status} at {seen.Seconds:F2} s: {seen.Completed} steps completed, generation {seen.Generation}, " +
          $"{seen.Status.Slots.Count} slots [{string.Join(", ", seen.Status.Slots.Select(s => $"{s.Key}@{s.Value.Endpoint.Port}"))}], " +
          $"reported [{string.Join(", ", seen.Status.ReportedSlots)}]";

    private void Record(Observation seen)
    {
        lock (_changes)
        {
            var before = _latest;
            Volatile.Write(ref _latest, seen);
            if (before is null || before.Completed != seen.Completed || before.Generation != seen.Generation
                || before.Status.Status != seen.Status.Status || !before.Status.Slots.Keys.ToHashSet().SetEquals(seen.Status.Slots.Keys))
                _changes.Add(seen);
        }
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_cluster.HasClient)
                {
                    var status = await _cluster.Client.GetGrain<IRunGrain>(_runId).GetStatus().WaitAsync(CallLimit, _stop.Token);
                    Record(new Observation(status, _clock.Elapsed.TotalSeconds));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failedPolls);
            }
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
