using BamOrleans.Cluster.Tests.Training;
using BamOrleans.Silo;
using Serilog;
using Serilog.Events;

namespace BamOrleans.Cluster.Tests.InProcess;

/// <summary>
/// Three silos in this process, built by the real `bam-silo` host builder (localhost clustering,
/// placement, worker slots) through the embedded default's own <see cref="LocalCluster"/>, serving
/// the synthetic training images, and a client on their gateways. Shared by every in-process test
/// (one collection, so they take turns on the 2 cores); each test uses its own run ids.
/// </summary>
public sealed class InProcessCluster : IAsyncLifetime
{
    public const int SiloCount = 3;

    private readonly Serilog.Core.Logger _log = new LoggerConfiguration()
        .MinimumLevel.Warning()
        // Start-up notes (server GC, watchdog) that say nothing about the tests.
        .MinimumLevel.Override("Orleans.Runtime.Silo", LogEventLevel.Error)
        .MinimumLevel.Override("Orleans.Runtime.Watchdog", LogEventLevel.Error)
        .WriteTo.Console(outputTemplate: "[in-process {Silo}] {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
        .CreateLogger();

    private LocalCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("cluster not started");

    /// <summary>Silo port of the first silo started (the oldest member).</summary>
    public int PrimarySiloPort => _cluster?.PrimarySiloPort ?? throw new InvalidOperationException("cluster not started");

    public Serilog.ILogger Log => _log;

    public async Task InitializeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        _cluster = await LocalCluster.Start(SiloCount, new SyntheticDatasets(), _log, deadline.Token);
    }

    /// <summary>Addresses of the active silos, in a stable order.</summary>
    public async Task<SiloAddress[]> ActiveSilos() =>
        (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys
        .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _log.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection : ICollectionFixture<InProcessCluster>
{
    public const string Name = "in-process cluster";
}
