using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace BamOrleans.Silo;

/// <summary>
/// The embedded default cluster: <c>n</c> silos in this process with localhost membership (the
/// first hosts the membership table), each built by the same host builder as `bam-silo`, and a
/// client on their gateways. The silos share one dataset provider, so the images are decoded once.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;
    private readonly IHost _client;

    private LocalCluster(List<IHost> silos, IHost client, int primarySiloPort)
    {
        _silos = silos;
        _client = client;
        PrimarySiloPort = primarySiloPort;
    }

    /// <summary>Silo port of the first silo, which holds the membership table (and, being the
    /// oldest member, is the leader).</summary>
    public int PrimarySiloPort { get; }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    public int SiloCount => _silos.Count;

    /// <param name="store">The blob store every silo checkpoints to (null: no checkpoints).</param>
    public static async Task<LocalCluster> Start(int siloCount, IDatasetProvider datasets, Serilog.ILogger log,
        CancellationToken cancellation = default, IBlobStore? store = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        var ports = LoopbackPorts.Take(2 * siloCount);
        var clusterId = $"local-{Guid.NewGuid():N}"[..14];
        var options = Enumerable.Range(0, siloCount).Select(i => new BamSiloOptions
        {
            Clustering = ClusteringMode.Localhost,
            SiloPort = ports[2 * i],
            GatewayPort = ports[2 * i + 1],
            PrimarySiloPort = ports[0],
            ClusterId = clusterId,
        }).ToList();

        var silos = new List<IHost>();
        try
        {
            foreach (var (o, i) in options.Select((o, i) => (o, i)))
            {
                var host = BamSiloHost.Build(o, log.ForContext("Silo", $"silo{i}"), datasets, store);
                silos.Add(host);
                // The primary first: the others join through the membership table it hosts.
                if (i == 0) await host.StartAsync(cancellation);
            }
            await Task.WhenAll(silos.Skip(1).Select(h => h.StartAsync(cancellation)));

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog(log, dispose: false);
            builder.UseOrleansClient(c => c.UseLocalhostClustering(
                options.Select(o => o.GatewayPort).ToArray(), BamSiloOptions.DefaultServiceId, clusterId));
            var client = builder.Build();
            await client.StartAsync(cancellation);
            var cluster = new LocalCluster(silos, client, ports[0]);
            await cluster.WaitForMembers(siloCount, cancellation);
            return cluster;
        }
        catch
        {
            foreach (var silo in Enumerable.Reverse(silos)) await StopQuietly(silo);
            throw;
        }
    }

    private async Task WaitForMembers(int count, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while ((await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < count)
            await Task.Delay(100, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopQuietly(_client);
        // Secondaries before the primary, which holds the membership table.
        foreach (var silo in Enumerable.Reverse(_silos)) await StopQuietly(silo);
    }

    private static async Task StopQuietly(IHost host)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await host.StopAsync(stop.Token); }
        catch (OperationCanceledException) { /* shutting down anyway */ }
        host.Dispose();
    }

}
