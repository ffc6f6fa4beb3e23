using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using BamOrleans.GrainStorage;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Storage;
using BamOrleans.Worker;
using BamOrleans.Worker.Runs;
using Serilog;
using StackExchange.Redis;

namespace BamOrleans.Silo;

/// <summary>Builds the generic host of one silo: Serilog, Orleans with the chosen membership, the grains.</summary>
public static class BamSiloHost
{
    /// <summary>What Orleans needs after the drain to leave the cluster cleanly (deactivations,
    /// the membership table's update). The host's shutdown timeout is the drain plus this.</summary>
    public static readonly TimeSpan LeaveTime = TimeSpan.FromSeconds(5);

    /// <summary>Builds (does not start) the silo host. <paramref name="logger"/> becomes its only log sink.</summary>
    /// <param name="options">Endpoints and membership.</param>
    /// <param name="logger">The log sink.</param>
    /// <param name="datasets">Where this silo's slots open run datasets; default: from local disk.
    /// In-process silos share one so the images are decoded once.</param>
    /// <param name="store">Where this silo's slots write and read checkpoints and the runs' state is
    /// kept; null: no checkpoints, and runs last only as long as the cluster.</param>
    public static IHost Build(BamSiloOptions options, Serilog.ILogger logger, IDatasetProvider? datasets = null, IBlobStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // No default configuration sources: the command line is the only input, so what runs is what was typed.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainDeadline + LeaveTime);

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, options);
            silo.Configure<ClusterMembershipOptions>(TrainingClusterMembership.Apply);
            silo.AddBamPlacement();
            ConfigureGrainDirectory(silo);
            // Runs (status, generation, plan) persist where their checkpoints go, so a restarted
            // cluster finds them; without a store they live as long as the cluster does.
            if (store is not null) silo.AddBlobGrainStorage(RunStateStorage.Name, _ => store);
            else silo.AddMemoryGrainStorage(RunStateStorage.Name);
        });
        builder.Services.AddBamWorker(datasets ?? new LocalDatasetProvider(store), store, logger, options.Worker);
        // Registered after Orleans so it starts once the silo has joined.
        builder.Services.AddHostedService<MembershipViewLogger>();
        return builder.Build();
    }

    /// <summary>
    /// The strongly consistent grain directory: losing a silo must not give a run's coordination
    /// grains a second, empty activation, which Orleans' default (eventually consistent) directory
    /// allows while the cluster is unstable. After a crash it holds back new registrations in the
    /// dead silo's directory ranges for a lease; Orleans starts that lease at the estimated time of
    /// failure (declaration minus 3 × the longest probe timeout, 15 s here), so a lease of 20 s
    /// leaves 5 s after the death is declared: room for a paused zombie to learn it is dead (the
    /// membership table is re-read every 5 s) before its grains may live elsewhere, instead of the
    /// default's 15 s of stalled activations.
    /// </summary>
    private static void ConfigureGrainDirectory(ISiloBuilder silo)
    {
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10.4: chosen for its single-activation guarantee
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = DirectoryLease);
    }

    /// <summary>See <see cref="ConfigureGrainDirectory"/>.</summary>
    public static readonly TimeSpan DirectoryLease = TimeSpan.FromSeconds(20);

    /// <summary>The endpoint other silos and logs know this silo by ("ip:siloPort").</summary>
    public static string DescribeEndpoint(BamSiloOptions options) =>
        $"{(options.Clustering == ClusteringMode.Localhost ? IPAddress.Loopback : options.Pod?.Address ?? options.AdvertisedIp)?.ToString() ?? "auto"}:{options.SiloPort}";

    /// <summary>The Redis configuration for display: endpoints only, never the password.</summary>
    public static string DescribeRedis(string configuration) =>
        ConfigurationOptions.Parse(configuration).ToString(includePassword: false);

    /// <summary>
    /// Orleans' Kubernetes hosting on top of the Redis membership. It configures no membership of
    /// its own: it names the silo after the pod, announces the pod's IP, and runs an agent that
    /// labels the pod with the cluster and service ids, declares a silo dead as soon as its pod is
    /// deleted (faster than missed probes) and, at start, kills Active silos of this cluster whose
    /// pod is gone. That agent talks to the API server with the pod's service account (RBAC in
    /// deploy/base/rbac.yaml). The address is given explicitly from the pod we validated, so a
    /// missing $POD_IP can never fall back to a DNS guess.
    /// </summary>
    private static void ConfigureKubernetes(ISiloBuilder silo, BamSiloOptions options)
    {
        var pod = options.Pod ?? throw new ArgumentException("--kubernetes without the pod's environment", nameof(options));
        silo.UseKubernetesHosting();
        silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = pod.Address);
    }

    private static void ConfigureClustering(ISiloBuilder silo, BamSiloOptions options)
    {
        switch (options.Clustering)
        {
            case ClusteringMode.Localhost:
                var primary = options.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
                break;
            case ClusteringMode.Redis:
                // Kubernetes hosting first: our ClusterOptions below then have the last word (they
                // already hold the pod's ids when it sets them), so what the silo logs is what it joins.
                if (options.Kubernetes) ConfigureKubernetes(silo, options);
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                silo.UseRedisClustering(o =>
                {
                    var redis = ConfigurationOptions.Parse(options.Redis);
                    // Keep retrying instead of failing at start: Redis may come up after the silos.
                    redis.AbortOnConnectFail = false;
                    o.ConfigurationOptions = redis;
                });
                if (options.Kubernetes)
                {
                    // Ports only: the announced address is the pod's (set in ConfigureKubernetes), and
                    // Orleans' Kubernetes hosting listens on every interface of the pod.
                    silo.Configure<EndpointOptions>(o =>
                    {
                        o.SiloPort = options.SiloPort;
                        o.GatewayPort = options.GatewayPort;
                    });
                }
                else if (options.AdvertisedIp is { } ip)
                    silo.ConfigureEndpoints(ip, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                else
                    silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Clustering, "unknown clustering mode");
        }
    }
}
