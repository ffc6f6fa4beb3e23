using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Serilog;

namespace BamOrleans.Silo.Processes;

/// <summary>
/// The multi-process local cluster: a throw-away redis-server holding the membership table, n
/// `bam-silo` processes on 127.0.0.1 that find each other through it, and a client. Every process
/// is started here and killed here, by its own id, whatever happens in between.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly RedisServer _redis;
    private readonly List<ChildProcess> _silos;
    private readonly IHost? _client;

    private ProcessCluster(RedisServer redis, List<ChildProcess> silos, IHost? client)
    {
        _redis = redis;
        _silos = silos;
        _client = client;
    }

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
                                    ?? throw new InvalidOperationException("the cluster has no client");

    /// <summary>The processes started, redis-server first.</summary>
    public IEnumerable<ChildProcess> Processes => _silos.Prepend(_redis.Process);

    /// <param name="siloCount">bam-silo processes to start.</param>
    /// <param name="threads">libtorch threads per silo process (share the cores between them).</param>
    /// <param name="log">Gets each silo's warnings and errors (its other lines at Debug).</param>
    /// <param name="storeFolder">Checkpoint folder every silo writes to and resumes from (null: none).</param>
    public static async Task<ProcessCluster> Start(int siloCount, int? threads, Serilog.ILogger log, string? storeFolder = null,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        var redis = await RedisServer.Start(TimeSpan.FromSeconds(30), cancellation);
        var silos = new List<ChildProcess>();
        var cluster = new ProcessCluster(redis, silos, client: null);
        try
        {
            var clusterId = $"bam-proc-{Guid.NewGuid():N}"[..17];
            var ports = LoopbackPorts.Take(2 * siloCount);
            for (var i = 0; i < siloCount; i++)
            {
                var name = $"silo{i}";
                silos.Add(SiloProcess.StartRedisSilo(name, redis.Configuration, clusterId, ports[2 * i], ports[2 * i + 1], threads,
                    line => Forward(log, name, line), storeFolder));
            }
            log.Information("Started redis-server (pid {RedisPid}, port {RedisPort}) and {Silos} bam-silo processes (pids {Pids})",
                redis.Process.Id, redis.Port, siloCount, string.Join(", ", silos.Select(s => s.Id)));
            var client = await Connect(redis.Configuration, clusterId, siloCount, silos, log, cancellation);
            return new ProcessCluster(redis, silos, client);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _client.StopAsync(stop.Token); }
            catch (OperationCanceledException) { /* the silos go next anyway */ }
            _client.Dispose();
        }
        var stuck = new List<string>();
        foreach (var silo in _silos)
        {
            try { silo.Dispose(); }
            catch (InvalidOperationException e) { stuck.Add(e.Message); }
        }
        _redis.Dispose();
        if (stuck.Count > 0) throw new InvalidOperationException(string.Join("; ", stuck));
    }

    /// <summary>Connects a client through the silos' gateways once they are up, and waits until all
    /// of them are active members.</summary>
    private static async Task<IHost> Connect(string redis, string clusterId, int siloCount, List<ChildProcess> silos,
        Serilog.ILogger log, CancellationToken cancellation)
    {
        var end = DateTime.UtcNow + StartTimeout;
        string Tails() => string.Join('\n', silos.Select(s => s.Tail(15)));
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (silos.FirstOrDefault(s => s.HasExited) is { } dead)
                throw new InvalidOperationException($"{dead.Name} exited at start:\n{dead.Tail(30)}");
            if (DateTime.UtcNow > end)
                throw new TimeoutException($"the {siloCount} silo processes did not form a cluster within {StartTimeout.TotalSeconds:F0} s:\n{Tails()}");
            if (!silos.All(s => s.Printed(" up: cluster ")))
            {
                await Task.Delay(200, cancellation);
                continue;
            }
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog(log, dispose: false);
            builder.UseOrleansClient(c =>
            {
                c.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = BamSiloOptions.DefaultServiceId;
                });
                c.UseRedisClustering(redis);
            });
            var host = builder.Build();
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                attempt.CancelAfter(TimeSpan.FromSeconds(15));
                await host.StartAsync(attempt.Token);
                var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
                while ((await management.GetHosts(onlyActive: true)).Count < siloCount)
                {
                    if (DateTime.UtcNow > end) throw new TimeoutException($"not all {siloCount} silos became active members:\n{Tails()}");
                    await Task.Delay(200, cancellation);
                }
                return host;
            }
            catch (Exception e) when (e is not TimeoutException && !cancellation.IsCancellationRequested)
            {
                log.Debug("Client could not connect yet: {Reason}", e.Message);
                host.Dispose();
                await Task.Delay(500, cancellation);
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }
    }

    private static void Forward(Serilog.ILogger log, string silo, string line)
    {
        var important = line.Contains(" WRN ", StringComparison.Ordinal) || line.Contains(" ERR ", StringComparison.Ordinal)
                        || line.Contains(" FTL ", StringComparison.Ordinal);
        log.Write(important ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Debug, "{Silo}> {Line}", silo, line);
    }

}
