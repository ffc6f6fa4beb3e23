using Microsoft.Extensions.Hosting;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// Drains this silo's slots when the host stops (SIGTERM), before Orleans leaves the cluster, so
/// their last calls are still served. A stop that is already cancelled (an abort) drains nothing:
/// the slots stop where they are, as on a crash.
/// </summary>
/// <param name="drainDeadline">The time the eviction notice gives (Azure spot: about 30 s);
/// the host's own shutdown timeout must be longer.</param>
internal sealed class SlotHostShutdown(SlotHost slots, TimeSpan drainDeadline) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? slots.StopAll() : slots.Drain(drainDeadline);
}
