using System.Net;
using BamOrleans.Cluster.Tests.Support;
using BamOrleans.Grains.Placement;
using BamOrleans.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Serilog;
using Serilog.Events;

namespace BamOrleans.Cluster.Tests.Placement;

/// <summary>
/// Three in-process silos with the placement strategies (<see cref="PlacementRegistration.AddBamPlacement"/>)
/// and a client on their gateways; the silos host the test probes of this folder.
/// </summary>
/// <remarks>
/// Builds its silos like <see cref="BamSiloHost.Build"/> (localhost clustering, the training
/// membership settings) but adds the placement, which that host does not register yet. The first
/// silo is started alone, before the others are built, so it is the oldest: the expected leader.
/// </remarks>
public sealed class PlacementCluster : IAsyncLifetime
{
    public const int SiloCount = 3;

    private readonly List<IHost> _silos = [];
    private readonly Serilog.Core.Logger _log = new LoggerConfiguration()
        .MinimumLevel.Warning()
        .MinimumLevel.Override("Orleans.Runtime.Silo", LogEventLevel.Error)
        .MinimumLevel.Override("Orleans.Runtime.Watchdog", LogEventLevel.Error)
        // Orleans' "failed to address message" errors for the placements the tests make fail on purpose.
        .Filter.ByExcluding(e => e.Exception is SlotSiloLostException
                                 || e.Exception?.Message.Contains("has silo-pinned placement but its key is not silo-pinned") == true)
        .WriteTo.Console(outputTemplate: "[placement {Silo}] {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
        .CreateLogger();
    private IHost? _client;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
                                    ?? throw new InvalidOperationException("cluster not started");

    /// <summary>Silo port of the first silo started (the oldest).</summary>
    public int PrimarySiloPort { get; private set; }

    public async Task InitializeAsync()
    {
        var deadline = new Deadline(TimeSpan.FromSeconds(60));
        var ports = LoopbackPorts.Take(2 * SiloCount);
        PrimarySiloPort = ports[0];
        var clusterId = $"placement-{Guid.NewGuid():N}";
        for (var i = 0; i < SiloCount; i++)
        {
            var host = BuildSilo(ports[2 * i], ports[2 * i + 1], clusterId, _log.ForContext("Silo", $"silo{i}"));
            _silos.Add(host);
            if (i == 0) await host.StartAsync(deadline.Token());
        }
        await Task.WhenAll(_silos.Skip(1).Select(h => h.StartAsync(deadline.Token())));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(_log, dispose: false);
        builder.UseOrleansClient(c => c.UseLocalhostClustering(
            Enumerable.Range(0, SiloCount).Select(i => ports[2 * i + 1]).ToArray(), BamSiloOptions.DefaultServiceId, clusterId));
        _client = builder.Build();
        await _client.StartAsync(deadline.Token());

        await deadline.Until($"{SiloCount} active silos", async () =>
            (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == SiloCount);
    }

    private IHost BuildSilo(int siloPort, int gatewayPort, string clusterId, Serilog.ILogger logger)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: false);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, PrimarySiloPort),
                BamSiloOptions.DefaultServiceId, clusterId);
            silo.Configure<ClusterMembershipOptions>(TrainingClusterMembership.Apply);
            silo.AddBamPlacement();
        });
        return builder.Build();
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

/// <summary>
/// Runs alone, like the multi-process collection: three more silos competing with the in-process
/// cluster for two cores could starve the tuned failure detection of both.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlacementClusterCollection : ICollectionFixture<PlacementCluster>
{
    public const string Name = "placement cluster";
}
