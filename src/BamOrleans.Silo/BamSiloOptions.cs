using System.Net;
using BamOrleans.Storage;
using BamOrleans.Grains.Runs;
using BamOrleans.Worker;
using BamOrleans.Worker.Slots;
using Serilog.Events;

namespace BamOrleans.Silo;

/// <summary>Where a silo finds the others.</summary>
public enum ClusteringMode
{
    /// <summary>Development membership hosted by a primary silo on this machine (one process or several).</summary>
    Localhost,

    /// <summary>Membership table in Redis: the multi-process and production mode.</summary>
    Redis,
}

/// <summary>How the silo writes its logs (--log-format).</summary>
public enum SiloLogFormat
{
    /// <summary>One readable line per event: a terminal, `bam local --processes`.</summary>
    Text,

    /// <summary>One compact JSON object per event (Serilog's CLEF) on stdout: what a cluster's log collector parses.</summary>
    Json,
}

/// <summary>Everything `bam-silo` needs to start one silo.</summary>
public sealed record BamSiloOptions
{
    /// <summary>Names the service; constant across deployments so storage keys stay stable.</summary>
    public const string DefaultServiceId = "bam-orleans";

    public ClusteringMode Clustering { get; init; } = ClusteringMode.Localhost;

    /// <summary>StackExchange.Redis configuration string ("host:port[,password=...]"); Redis mode only.</summary>
    public string Redis { get; init; } = "127.0.0.1:6379";

    /// <summary>The environment variable that, when set, replaces --redis: a configuration with a
    /// password belongs in a secret, not on a command line that every user of the node can read.</summary>
    public const string RedisConnectionVariable = "BAM_REDIS_CONNECTION";

    /// <summary>True when <see cref="Redis"/> came from <see cref="RedisConnectionVariable"/> (for the start-up log).</summary>
    public bool RedisFromEnvironment { get; init; }

    /// <summary>--kubernetes: Orleans' Kubernetes hosting on top of Redis membership; the pod names
    /// the silo, gives its address and (when set) the cluster and service ids.</summary>
    public bool Kubernetes { get; init; }

    /// <summary>The pod read from the environment; set exactly when <see cref="Kubernetes"/> is.</summary>
    public KubernetesPod? Pod { get; init; }

    /// <summary>Text lines or compact JSON (--log-format).</summary>
    public SiloLogFormat LogFormat { get; init; } = SiloLogFormat.Text;

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Port clients connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Localhost mode only: silo port of the silo that hosts the development membership table (default: this silo's own).</summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>Names one deployment of the service; silos and clients only meet inside the same cluster id.</summary>
    public string ClusterId { get; init; } = "bam";

    public string ServiceId { get; init; } = DefaultServiceId;

    /// <summary>
    /// Address this silo announces and binds to. Null in Redis mode: Orleans picks this host's
    /// address and listens on all interfaces. Localhost mode always uses the loopback address.
    /// </summary>
    public IPAddress? AdvertisedIp { get; init; }

    /// <summary>Minimum level of this silo's own logs (Orleans' are kept at Warning and above).</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>CPU threads for libtorch in this process (null: its default, one per core). Several
    /// silo processes on one machine should share the cores, not each claim all of them.</summary>
    public int? TorchThreads { get; init; }

    /// <summary>The environment variable holding the Azure Storage connection string (a secret:
    /// never on a command line, which other users of the machine can read).</summary>
    public const string StorageConnectionStringVariable = "BAM_STORAGE_CONNECTION_STRING";

    /// <summary>How long the silo drains on SIGTERM (--drain-seconds): finish the step in flight,
    /// checkpoint the boundary, hand its slots back. Under the eviction notice (Azure spot: ~30 s).</summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a run whose silos were all lost waits for as many silos as it had before
    /// resuming on fewer (--recovery-grace-seconds).</summary>
    public TimeSpan RecoveryGrace { get; init; } = TimeSpan.FromSeconds(10);

    // ---- device selection (--device, --slots) ----

    /// <summary>--device: where the slots train (auto: every visible GPU, else the CPU).</summary>
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>--slots: how many slots this silo offers; null: one per visible GPU under
    /// auto/cuda, one on the CPU (<see cref="BamOrleans.Worker.Slots.SlotDevices.Resolve"/>).</summary>
    public int? Slots { get; init; }

    /// <summary>The device of each slot (slot k on element k): <see cref="Device"/> and <see cref="Slots"/>
    /// resolved against the GPUs this process sees (libtorch is asked unless --device cpu); or null,
    /// with <paramref name="errors"/> naming the problem and the fix.</summary>
    public IReadOnlyList<string>? ResolveSlotDevices(out IReadOnlyList<string> errors) =>
        BamOrleans.Worker.Slots.SlotDevices.Resolve(Device, Slots,
            Device.Kind == BamOrleans.Worker.Slots.DeviceKind.Cpu ? 0 : BamOrleans.Worker.Slots.SlotDevices.VisibleGpus(), out errors);

    // ---- end device selection ----

    /// <summary>The worker's timings and slot devices from these options (resolving the devices may load libtorch).</summary>
    public BamWorkerOptions Worker => new()
    {
        DrainDeadline = DrainDeadline,
        Membership = new RunMembershipOptions { RecoveryGrace = RecoveryGrace },
        // The command line refused impossible requests already; options built in code get the same message.
        SlotDevices = ResolveSlotDevices(out var errors) ?? throw new InvalidOperationException(string.Join(" ", errors)),
    };

    /// <summary>Where the slots checkpoint; null: no checkpoints.</summary>
    public BlobStoreOptions? Store { get; init; }

    /// <summary>The store named by --store-folder or --store-container (with the connection string
    /// from <see cref="StorageConnectionStringVariable"/>), or null for neither.</summary>
    public static BlobStoreOptions? StoreFrom(string? folder, string? container) =>
        folder is not null ? new BlobStoreOptions { Kind = BlobStoreKind.Folder, Path = folder, Container = container }
        : container is not null ? new BlobStoreOptions
        {
            Kind = BlobStoreKind.Azure,
            Container = container,
            ConnectionString = Environment.GetEnvironmentVariable(StorageConnectionStringVariable),
        }
        : null;

    /// <summary>Things that work but should not be done, as messages; empty when fine.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        if (Clustering == ClusteringMode.Redis && !RedisFromEnvironment && HasPassword(Redis))
            warnings.Add($"--redis carries a password, which every user of this machine can read in the process list: put the configuration in ${RedisConnectionVariable} instead");
        return warnings;
    }

    private static bool HasPassword(string configuration)
    {
        try { return StackExchange.Redis.ConfigurationOptions.Parse(configuration).Password is { Length: > 0 }; }
        catch (ArgumentException) { return false; } // not parseable: the connection reports it
    }

    /// <summary>Problems that make these options unusable, as messages naming the command-line option; empty when fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, port) in new[] { ("--silo-port", SiloPort), ("--gateway-port", GatewayPort) })
            if (port is < 1 or > 65535) errors.Add($"{name} {port}: must be between 1 and 65535");
        if (SiloPort == GatewayPort) errors.Add("--silo-port and --gateway-port must differ");
        if (PrimarySiloPort is < 1 or > 65535) errors.Add($"--primary-silo-port {PrimarySiloPort}: must be between 1 and 65535");
        if (Clustering != ClusteringMode.Localhost && PrimarySiloPort is not null)
            errors.Add("--primary-silo-port applies to --clustering localhost only");
        if (Kubernetes && Clustering != ClusteringMode.Redis)
            errors.Add("--kubernetes needs --clustering redis: the membership table lives in Redis (Kubernetes hosting only names the silo and gives its address)");
        if (Kubernetes && AdvertisedIp is not null)
            errors.Add("--advertise-ip and --kubernetes: the pod's own address ($POD_IP) is announced; drop --advertise-ip");
        if (Clustering != ClusteringMode.Redis && AdvertisedIp is not null)
            errors.Add("--advertise-ip applies to --clustering redis only (localhost clustering uses 127.0.0.1)");
        if (Clustering == ClusteringMode.Redis && string.IsNullOrWhiteSpace(Redis))
            errors.Add("--redis must name the Redis server with --clustering redis");
        if (string.IsNullOrWhiteSpace(ClusterId)) errors.Add("--cluster-id must not be empty");
        if (TorchThreads is < 1) errors.Add($"--threads {TorchThreads}: must be ≥ 1");
        if (DrainDeadline < TimeSpan.FromSeconds(1) || DrainDeadline > TimeSpan.FromMinutes(10))
            errors.Add($"--drain-seconds {DrainDeadline.TotalSeconds}: must be between 1 and 600 (an eviction notice is about 30 s)");
        if (RecoveryGrace < TimeSpan.Zero) errors.Add($"--recovery-grace-seconds {RecoveryGrace.TotalSeconds}: must be ≥ 0");
        if (Store is { Kind: BlobStoreKind.Folder, Container: not null })
            errors.Add("--store-folder and --store-container: choose one store");
        else if (Store is not null)
            errors.AddRange(Store.Validate().Select(p => Store.Kind == BlobStoreKind.Azure && p.Contains("connection", StringComparison.OrdinalIgnoreCase)
                ? $"{p} (set it in ${StorageConnectionStringVariable})" : p));
        if (string.IsNullOrWhiteSpace(ServiceId)) errors.Add("--service-id must not be empty");
        return errors;
    }
}
