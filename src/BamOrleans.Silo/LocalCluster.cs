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
    private readonly Func<int, IHost> _buildSilo;

    private LocalCluster(List<IHost> silos, IHost client, int primarySiloPort, Func<int, IHost> buildSilo)
    {
        _silos = silos;
        _client = client;
        PrimarySiloPort = primarySiloPort;
        _buildSilo = buildSilo;
    }

    /// <summary>Silo port of the first silo, which holds the membership table (and, being the
    /// oldest member, is the leader).</summary>
    public int PrimarySiloPort { get; }

    /// <summary>The cluster id its silos share (fresh per cluster): what a CLI passes as --cluster-id.</summary>
    public string ClusterId { get; private init; } = "";

    /// <summary>The service id its silos use (bam-silo's default).</summary>
    public string ServiceId => BamSiloOptions.DefaultServiceId;

    /// <summary>Gateway ports on 127.0.0.1 of the silos <see cref="Start"/> started, by silo index
    /// (stopped ones included; silos added later are not listed). The first is the primary's.</summary>
    public IReadOnlyList<int> GatewayPorts { get; private init; } = [];

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>Silos started so far, including stopped ones (indices stay stable).</summary>
    public int SiloCount => _silos.Count;

    /// <param name="store">The blob store every silo checkpoints to (null: no checkpoints).</param>
    public static async Task<LocalCluster> Start(int siloCount, IDatasetProvider datasets, Serilog.ILogger log,
        CancellationToken cancellation = default, IBlobStore? store = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        var ports = LoopbackPorts.Take(2 * siloCount);
        var clusterId = $"local-{Guid.NewGuid():N}"[..14];
        BamSiloOptions Options(int siloPort, int gatewayPort) => new()
        {
            Clustering = ClusteringMode.Localhost,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            PrimarySiloPort = ports[0],
            ClusterId = clusterId,
        };
        // Silos added later (replacements) get fresh ports and join through the primary.
        IHost BuildSilo(int index)
        {
            var fresh = index < siloCount ? null : LoopbackPorts.Take(2);
            var (siloPort, gatewayPort) = fresh is null ? (ports[2 * index], ports[2 * index + 1]) : (fresh[0], fresh[1]);
            return BamSiloHost.Build(Options(siloPort, gatewayPort), log.ForContext("Silo", $"silo{index}"), datasets, store);
        }

        var silos = new List<IHost>();
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                var host = BuildSilo(i);
                silos.Add(host);
                // The primary first: the others join through the membership table it hosts.
                if (i == 0) await host.StartAsync(cancellation);
            }
            await Task.WhenAll(silos.Skip(1).Select(h => h.StartAsync(cancellation)));

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog(log, dispose: false);
            // Through the primary's gateway only: it holds the membership table, so the cluster
            // lives as long as it does, while other silos may be stopped or killed (tests do).
            builder.UseOrleansClient(c => c.UseLocalhostClustering(
                [ports[1]], BamSiloOptions.DefaultServiceId, clusterId));
            var client = builder.Build();
            await client.StartAsync(cancellation);
            var cluster = new LocalCluster(silos, client, ports[0], BuildSilo)
            {
                ClusterId = clusterId,
                GatewayPorts = Enumerable.Range(0, siloCount).Select(i => ports[2 * i + 1]).ToArray(),
            };
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

    /// <summary>Starts one more silo (a replacement node joining); returns its index.</summary>
    public async Task<int> AddSilo(CancellationToken cancellation = default)
    {
        var index = _silos.Count;
        var host = _buildSilo(index);
        await host.StartAsync(cancellation);
        _silos.Add(host);
        return index;
    }

    /// <summary>Stops silo <paramref name="index"/> as SIGTERM does: it drains (its slots finish
    /// the step, hand over at a checkpointed boundary) and leaves the cluster cleanly.</summary>
    public Task StopSilo(int index) => StopQuietly(TakeSilo(index));

    /// <summary>Stops silo <paramref name="index"/> without notice, as a kill -9 or a lost node:
    /// nothing is drained or handed over, and the others learn of it from membership's probes.</summary>
    public Task KillSilo(int index) => Kill(TakeSilo(index));

    /// <summary>Every silo lost at once, without notice (the client stays).</summary>
    public async Task KillAll()
    {
        var silos = _silos.Where(s => s is not null).ToList();
        for (var i = 0; i < _silos.Count; i++) _silos[i] = null!;
        await Task.WhenAll(silos.Select(Kill));
    }

    public async ValueTask DisposeAsync()
    {
        await StopQuietly(_client);
        // Secondaries before the primary, which holds the membership table.
        foreach (var silo in Enumerable.Reverse(_silos).Where(s => s is not null)) await StopQuietly(silo);
    }

    private IHost TakeSilo(int index)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"silo {index} was already stopped");
        _silos[index] = null!;
        return silo;
    }

    private static async Task StopQuietly(IHost host)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await host.StopAsync(stop.Token); }
        catch (OperationCanceledException) { /* shutting down anyway */ }
        host.Dispose();
    }

    /// <summary>An already-cancelled stop: Orleans stops without leaving the membership table,
    /// and the slots stop where they are (no drain).</summary>
    private static async Task Kill(IHost host)
    {
        try { await host.StopAsync(new CancellationToken(canceled: true)); }
        catch (OperationCanceledException) { /* expected: that is the point */ }
        host.Dispose();
    }

}
