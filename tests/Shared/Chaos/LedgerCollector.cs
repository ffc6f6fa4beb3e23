using BamOrleans.Grains.Training;
using Serilog;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// Reads every live slot's step history into the <see cref="StepLedger"/> every 250 ms in the
/// background, and on demand right before a kill, so that the records of a silo about to die are
/// kept. Only slots whose process is alive are asked: calling a slot whose silo is dead would
/// activate a fresh, empty slot grain elsewhere.
/// </summary>
internal sealed class LedgerCollector : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(3);

    /// <summary>How far back each read starts before the newest step already read from that slot:
    /// a slot that rolled back to a checkpoint redoes older steps in a newer generation, and those
    /// must be read too. Checkpoints come every 2 steps, so 32 is ample.</summary>
    private const long Overlap = 32;

    private readonly ChaosCluster _cluster;
    private readonly RunMonitor _monitor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, ChaosSilo> _slotSilos = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _failed = new();
    private readonly ILogger _log;
    private readonly Task _loop;

    public LedgerCollector(ChaosCluster cluster, RunMonitor monitor, StepLedger ledger, ILogger log)
    {
        _cluster = cluster;
        _monitor = monitor;
        Ledger = ledger;
        _log = log.ForContext<LedgerCollector>();
        _loop = Task.Run(Loop);
    }

    public StepLedger Ledger { get; }

    /// <summary>Slots seen in the run so far, with the process that held each.</summary>
    public IReadOnlyDictionary<string, ChaosSilo> SlotSilos
    {
        get
        {
            lock (_slotSilos) return new Dictionary<string, ChaosSilo>(_slotSilos);
        }
    }

    /// <summary>A slot still in the run whose loop stopped on an error, with the error; null when none.
    /// Survivors must never stop: a lost peer makes them redo the step, not fail.</summary>
    public string? Failure =>
        _monitor.Latest?.Status.Slots.Keys.FirstOrDefault(_failed.ContainsKey) is { } slot ? $"slot {slot} stopped: {_failed[slot]}" : null;

    /// <summary>Reads every live slot now (waits for a read already under way).</summary>
    public async Task CollectNow()
    {
        await _gate.WaitAsync();
        try
        {
            await Collect();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task Collect()
    {
        if (!_cluster.HasClient || _monitor.Latest is not { } seen) return;
        lock (_slotSilos)
        {
            foreach (var (key, address) in seen.Status.Slots)
                if (_cluster.Silos.FirstOrDefault(s => s.SiloPort == address.Endpoint.Port) is { } silo)
                    _slotSilos[key] = silo;
        }
        // A SIGTERM'd silo keeps applying steps while it drains: read its slots until its process is
        // gone. Never a killed or frozen one: the call would hang or activate an empty slot elsewhere.
        var reads = SlotSilos.Where(s => !s.Value.Process.HasExited && s.Value.StoppedBy is null or "SIGTERM").Select(async s =>
        {
            try
            {
                var from = Math.Max(0, Ledger.LastStepRead(s.Key) - Overlap);
                var slot = _cluster.Client.GetGrain<IWorkerSlotGrain>(s.Key);
                var report = slot.GetReport().WaitAsync(CallLimit);
                Ledger.Add(s.Key, await slot.GetHistory(from).WaitAsync(CallLimit), _monitor.Clock.Elapsed.TotalSeconds);
                if (await report is { State: SlotState.Failed } failed) _failed[s.Key] = failed.Error ?? "no reason given";
            }
            catch (Exception e)
            {
                _log.Debug("History of {Slot} not read: {Error}", s.Key, e.Message);
            }
        });
        await Task.WhenAll(reads);
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _stop.Token);
                await CollectNow();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.Debug("Ledger read failed: {Error}", e.Message);
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
