using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Silo;

/// <summary>
/// Logs this silo's own view of the cluster each time the set of active silos changes, so an
/// operator (or a test) reading one silo's log sees whom it believes alive and whom dead.
/// </summary>
internal sealed class MembershipViewLogger(IClusterMembershipService membership, ILogger<MembershipViewLogger> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? previous = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var active = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Active)
                    .Select(m => m.SiloAddress.ToString())
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                var dead = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);
                var key = string.Join(' ', active) + "|" + dead;
                if (key == previous) continue;
                previous = key;
                logger.LogInformation("Membership view {Version}: {ActiveCount} active silos {ActiveSilos}, {DeadCount} dead",
                    snapshot.Version.Value, active.Length, active, dead);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }
}
