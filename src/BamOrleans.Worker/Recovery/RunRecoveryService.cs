using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace BamOrleans.Worker.Recovery;

/// <summary>
/// The persisted trigger that makes a run resume by itself: while this silo is the leader (the
/// oldest active silo, so one caller per cluster), it reads the run catalog every
/// <paramref name="interval"/> and asks each run recorded as Running to recover. A run whose
/// silos were all lost then lays itself out again from its latest checkpoint as soon as as many
/// silos are active as it had; a run that trains answers at once that nothing is needed.
/// </summary>
/// <remarks>A poll rather than an Orleans reminder: reminders need a reminder table (a storage
/// package this build does not carry), and the catalog already lives in our grain storage.</remarks>
public sealed class RunRecoveryService(IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo,
    TimeSpan interval, ILogger log) : BackgroundService
{
    private readonly ILogger _log = log.ForContext<RunRecoveryService>();
    private readonly Dictionary<string, string> _lastNote = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                if (IsLeader()) await RecoverRunning(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private bool IsLeader()
    {
        var snapshot = membership.CurrentSnapshot;
        return LeaderElection.ActiveSilos(snapshot).Any() && LeaderElection.Choose(snapshot).Equals(silo.SiloAddress);
    }

    private async Task RecoverRunning(CancellationToken stoppingToken)
    {
        IReadOnlyDictionary<string, RunStatus> runs;
        try
        {
            runs = await grains.GetGrain<IRunCatalogGrain>(IRunCatalogGrain.Key).List();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            _log.Warning(e, "Cannot read the run catalog; retrying in {Interval}", interval);
            return;
        }
        foreach (var runId in runs.Where(r => r.Value == RunStatus.Running).Select(r => r.Key).Order(StringComparer.Ordinal))
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                var outcome = await grains.GetGrain<IRunGrain>(runId).Recover();
                Note(runId, outcome);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _log.Error(e, "Run {RunId} could not be resumed; retrying in {Interval}", runId, interval);
            }
        }
    }

    /// <summary>Logs what recovery did, once per change (not every poll).</summary>
    private void Note(string runId, RunRecovery outcome)
    {
        if (outcome.Status == RecoveryStatus.NotNeeded) { _lastNote.Remove(runId); return; }
        if (_lastNote.TryGetValue(runId, out var last) && last == outcome.Detail) return;
        _lastNote[runId] = outcome.Detail;
        if (outcome.Status == RecoveryStatus.Resumed)
            _log.Information("Run {RunId} resumed by itself: {Detail}", runId, outcome.Detail);
        else
            _log.Warning("Run {RunId} waits to resume: {Detail}", runId, outcome.Detail);
    }
}
