using BamOrleans.Silo;
using Serilog;
using Serilog.Events;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>Three in-process silos built by the real host builder (worker, placement and all),
/// serving the synthetic dataset; each test trains its own runs on them.</summary>
public sealed class TrainingClusterFixture : IAsyncLifetime
{
    public const int Silos = 3;

    private readonly Serilog.Core.Logger _log = new LoggerConfiguration()
        .MinimumLevel.Warning()
        .MinimumLevel.Override("Orleans.Runtime.Silo", LogEventLevel.Error)
        .MinimumLevel.Override("Orleans.Runtime.Watchdog", LogEventLevel.Error)
        .WriteTo.Console(outputTemplate: "[training-cluster {Silo}] {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
        .CreateLogger();

    private LocalCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("cluster not started");

    public Serilog.ILogger Log => _log;

    public async Task InitializeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        _cluster = await LocalCluster.Start(Silos, new SyntheticDatasets(), _log, deadline.Token);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _log.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TrainingClusterCollection : ICollectionFixture<TrainingClusterFixture>
{
    public const string Name = "training cluster";
}
