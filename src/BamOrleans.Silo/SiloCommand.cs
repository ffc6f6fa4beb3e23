using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using BamOrleans.Worker.Slots;
using Serilog.Events;

namespace BamOrleans.Silo;

/// <summary>The `bam-silo` command line: turns arguments into <see cref="BamSiloOptions"/>.</summary>
public static class SiloCommand
{
    /// <summary>Builds the command; <paramref name="run"/> receives the parsed options.</summary>
    /// <param name="run">Runs the silo.</param>
    /// <param name="environment">Reads an environment variable (tests pass their own); default: the process's.</param>
    /// <param name="fileExists">Tells whether a file exists (the pod's service account token); default: the file system.</param>
    /// <param name="errors">Where problems and warnings go; default: standard error.</param>
    public static RootCommand Create(Func<BamSiloOptions, Task<int>> run, Func<string, string?>? environment = null, Func<string, bool>? fileExists = null,
        TextWriter? errors = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        fileExists ??= File.Exists;
        var defaults = new BamSiloOptions();
        var clustering = new Option<ClusteringMode>("--clustering")
        {
            Description = "localhost (development membership on this machine) or redis (membership table in Redis)",
            DefaultValueFactory = _ => defaults.Clustering,
            CustomParser = r => ParseClustering(r),
            HelpName = "localhost|redis",
        };
        var redis = new Option<string>("--redis")
        {
            Description = $"Redis configuration (host:port) for --clustering redis; ${BamSiloOptions.RedisConnectionVariable}, when set, replaces it (put a password there, not on the command line)",
            DefaultValueFactory = _ => defaults.Redis,
        };
        var siloPort = new Option<int>("--silo-port") { Description = "port for silo-to-silo traffic", DefaultValueFactory = _ => defaults.SiloPort };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "port clients connect to", DefaultValueFactory = _ => defaults.GatewayPort };
        var primaryPort = new Option<int?>("--primary-silo-port") { Description = "--clustering localhost: silo port of the silo holding the membership table (default: this one)" };
        var clusterId = new Option<string>("--cluster-id") { Description = "deployment name; silos and clients meet only within one", DefaultValueFactory = _ => defaults.ClusterId };
        var serviceId = new Option<string>("--service-id") { Description = "service name, stable across deployments", DefaultValueFactory = _ => defaults.ServiceId };
        var advertise = new Option<IPAddress?>("--advertise-ip")
        {
            Description = "--clustering redis: address to announce and bind to (default: this host's address, listening on all interfaces)",
            CustomParser = r => ParseAddress(r),
        };
        var kubernetes = new Option<bool>("--kubernetes")
        {
            Description = $"run in a Kubernetes pod: silo name, address and namespace from ${KubernetesPod.PodNameVariable}, ${KubernetesPod.PodIpVariable}, ${KubernetesPod.PodNamespaceVariable} " +
                          $"(and ${KubernetesPod.ClusterIdVariable} / ${KubernetesPod.ServiceIdVariable}, when set, over --cluster-id / --service-id); membership stays in Redis",
        };
        var logFormat = new Option<SiloLogFormat>("--log-format")
        {
            Description = "text (readable lines) or json (one compact JSON object per line on stdout, for a log collector)",
            DefaultValueFactory = _ => defaults.LogFormat,
            CustomParser = r => ParseLogFormat(r),
            HelpName = "text|json",
        };
        var logLevel = new Option<LogEventLevel>("--log-level") { Description = "minimum level of bam's own logs", DefaultValueFactory = _ => defaults.LogLevel };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the slots' tensor math (default: libtorch's, one per core)" };
        var storeFolder = new Option<string?>("--store-folder") { Description = "checkpoints in this folder (shared by every silo of the run)" };
        var storeContainer = new Option<string?>("--store-container")
        {
            Description = $"checkpoints in this Azure Blob container; the connection string comes from ${BamSiloOptions.StorageConnectionStringVariable}, never the command line",
        };

        var drain = new Option<double>("--drain-seconds")
        {
            Description = "on SIGTERM, seconds to finish the step, checkpoint and hand the slots back before leaving (under the eviction notice: Azure spot gives ~30 s)",
            DefaultValueFactory = _ => defaults.DrainDeadline.TotalSeconds,
        };
        var grace = new Option<double>("--recovery-grace-seconds")
        {
            Description = "a run whose silos were all lost waits this long for as many silos as it had before resuming on fewer",
            DefaultValueFactory = _ => defaults.RecoveryGrace.TotalSeconds,
        };

        // ---- device selection (--device, --slots) ----
        var device = new Option<DeviceRequest>("--device")
        {
            Description = "where the slots train: auto (every visible GPU, else the CPU), cpu, cuda (every visible GPU) or cuda:i (GPU i)",
            DefaultValueFactory = _ => defaults.Device,
            CustomParser = r => ParseDevice(r),
            HelpName = "auto|cpu|cuda|cuda:i",
        };
        var slots = new Option<int?>("--slots")
        {
            Description = "slots this silo offers (default: one per visible GPU under auto/cuda, 1 on the CPU); a run's slotsPerSilo must not exceed it on a GPU silo",
        };
        // ---- end device selection ----

        var root = new RootCommand("bam-silo — one Orleans silo of a BamOrleans training cluster");
        foreach (var option in new Option[] { clustering, redis, siloPort, gatewayPort, primaryPort, clusterId, serviceId, advertise, kubernetes, logFormat, logLevel, threads, storeFolder, storeContainer, drain, grace })
            root.Options.Add(option);
        root.Options.Add(device);
        root.Options.Add(slots);
        root.SetAction((parse, _) =>
        {
            var problems = new List<string>();
            var stderr = errors ?? Console.Error;
            KubernetesPod? pod = null;
            if (parse.GetValue(kubernetes))
            {
                (pod, var podErrors) = KubernetesPod.Read(environment, fileExists);
                problems.AddRange(podErrors);
            }
            var redisFromEnvironment = environment(BamSiloOptions.RedisConnectionVariable) is { } r && !string.IsNullOrWhiteSpace(r) ? r.Trim() : null;
            var options = new BamSiloOptions
            {
                Clustering = parse.GetValue(clustering),
                Redis = redisFromEnvironment ?? parse.GetValue(redis)!,
                RedisFromEnvironment = redisFromEnvironment is not null,
                Kubernetes = parse.GetValue(kubernetes),
                Pod = pod,
                LogFormat = parse.GetValue(logFormat),
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                PrimarySiloPort = parse.GetValue(primaryPort),
                // The pod's ids win: Orleans' Kubernetes hosting applies them too, and the silo must
                // log and label the cluster it actually joins.
                ClusterId = pod?.ClusterId ?? parse.GetValue(clusterId)!,
                ServiceId = pod?.ServiceId ?? parse.GetValue(serviceId)!,
                AdvertisedIp = parse.GetValue(advertise),
                LogLevel = parse.GetValue(logLevel),
                TorchThreads = parse.GetValue(threads),
                Store = BamSiloOptions.StoreFrom(parse.GetValue(storeFolder), parse.GetValue(storeContainer)),
                DrainDeadline = TimeSpan.FromSeconds(parse.GetValue(drain)),
                RecoveryGrace = TimeSpan.FromSeconds(parse.GetValue(grace)),
                Device = parse.GetValue(device)!,
                Slots = parse.GetValue(slots),
            };
            problems.AddRange(options.Validate());
            foreach (var warning in options.Warnings()) stderr.WriteLine($"bam-silo: warning: {warning}");
            // Refused here, before the silo joins a cluster: a --device this machine cannot serve.
            if (problems.Count == 0)
            {
                if (options.ResolveSlotDevices(out var deviceErrors) is not null) return run(options);
                problems.AddRange(deviceErrors);
            }
            foreach (var problem in problems) stderr.WriteLine($"bam-silo: {problem}");
            return Task.FromResult(2);
        });
        return root;
    }

    private static ClusteringMode ParseClustering(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Enum.TryParse<ClusteringMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode)) return mode;
        result.AddError($"--clustering {text}: unknown; use localhost or redis");
        return default;
    }

    private static DeviceRequest ParseDevice(ArgumentResult result)
    {
        var parsed = DeviceRequest.Parse(result.Tokens.Single().Value, out var error);
        if (parsed is not null) return parsed;
        result.AddError(error!);
        return DeviceRequest.Auto;
    }

    private static SiloLogFormat ParseLogFormat(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Enum.TryParse<SiloLogFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format)) return format;
        result.AddError($"--log-format {text}: unknown; use text or json");
        return default;
    }

    private static IPAddress? ParseAddress(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (IPAddress.TryParse(text, out var address)) return address;
        result.AddError($"--advertise-ip {text}: not an IP address");
        return null;
    }
}
