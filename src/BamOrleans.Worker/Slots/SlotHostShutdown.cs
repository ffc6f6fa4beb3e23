using Microsoft.Extensions.Hosting;

namespace BamOrleans.Worker.Slots;

/// <summary>Stops this silo's slots (and flushes their checkpoint uploads) when the host stops,
/// before Orleans does.</summary>
internal sealed class SlotHostShutdown(SlotHost slots) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => slots.StopAll().WaitAsync(cancellationToken);
}
