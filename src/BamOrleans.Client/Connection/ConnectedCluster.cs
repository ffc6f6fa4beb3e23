using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BamOrleans.Client.Connection;

/// <summary>A started Orleans client on a running cluster. Dispose it to disconnect.</summary>
public sealed class ConnectedCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly IHost _host;

    internal ConnectedCluster(IHost host, string description)
    {
        _host = host;
        Description = description;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Where it connected: gateways or Redis endpoints and the ids; never a password.</summary>
    public string Description { get; }

    public async ValueTask DisposeAsync()
    {
        // Bounded: a cluster that died under the client must not keep the command from exiting.
        using var stop = new CancellationTokenSource(StopTimeout);
        try { await _host.StopAsync(stop.Token); }
        catch (OperationCanceledException) { /* leaving anyway */ }
        _host.Dispose();
    }
}
