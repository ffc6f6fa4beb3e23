using BamOrleans.Cluster.Tests.Support;
using BamOrleans.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace BamOrleans.Cluster.Tests.InProcess;

/// <summary>
/// Three silos in this process, each built by the real `bam-silo` host builder with localhost
/// clustering (the first holds the membership table), and a client on their gateways. Shared by
/// the tests of one collection; each test uses its own run id.
/// </summary>
public sealed class InProcessCluster : IAsyncLifetime
{
    public const int SiloCount = 3;

    private readonly List<IHost> _silos = [];
    private readonly Serilog.Core.Logger _log = new LoggerConfiguration()
        .MinimumLevel.Warning()
        // Start-up notes (server GC, watchdog) that say nothing about the tests.
        .MinimumLevel.Override("Orleans.Runtime.Silo", LogEventLevel.Error)
        .MinimumLevel.Override("Orleans.Runtime.Watchdog", LogEventLevel.Error)
        .WriteTo.Console(outputTemplate: "[in-process {Silo}] {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
        .CreateLogger();
    private IHost? _client;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
                                    ?? throw new InvalidOperationException("cluster not started");

    public async Task InitializeAsync()
    {
        var deadline = new Deadline(TimeSpan.FromSeconds(60));
        var ports = LoopbackPorts.Take(2 * SiloCount);
        var clusterId = $"inproc-{Guid.NewGuid():N}";
        var options = Enumerable.Range(0, SiloCount).Select(i => new BamSiloOptions
        {
            Clustering = ClusteringMode.Localhost,
            SiloPort = ports[2 * i],
            GatewayPort = ports[2 * i + 1],
            PrimarySiloPort = ports[0],
            ClusterId = clusterId,
        }).ToList();

        // The primary first: the others join through the membership table it hosts.
        foreach (var (o, i) in options.Select((o, i) => (o, i)))
        {
            var host = BamSiloHost.Build(o, _log.ForContext("Silo", $"silo{i}"));
            _silos.Add(host);
            if (i == 0) await host.StartAsync(deadline.Token());
        }
        await Task.WhenAll(_silos.Skip(1).Select(h => h.StartAsync(deadline.Token())));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(_log, dispose: false);
        builder.UseOrleansClient(c => c.UseLocalhostClustering(
            options.Select(o => o.GatewayPort).ToArray(), BamSiloOptions.DefaultServiceId, clusterId));
        _client = builder.Build();
        await _client.StartAsync(deadline.Token());

        await deadline.Until($"{SiloCount} active silos", async () =>
            (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == SiloCount);
    }

    /// <summary>Addresses of the active silos, in a stable order.</summary>
    public async Task<SiloAddress[]> ActiveSilos() =>
        (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys
        .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (_client is not null)
        {
            await _client.StopAsync(stop.Token);
            _client.Dispose();
        }
        // Secondaries before the primary, which holds the membership table.
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            try
            {
                await silo.StopAsync(stop.Token);
            }
            finally
            {
                silo.Dispose();
            }
        }
        await _log.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection : ICollectionFixture<InProcessCluster>
{
    public const string Name = "in-process cluster";
}
