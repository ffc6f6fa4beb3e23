namespace BamOrleans.Silo.Processes;

/// <summary>Starts the real `bam-silo` executable as a child process.</summary>
public static class SiloProcess
{
    /// <summary>The silo's entry assembly; every project that references the silo project (the CLI,
    /// the tests) gets it copied beside its own.</summary>
    public static string SiloDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "bam-silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"bam-silo.dll not found beside {AppContext.BaseDirectory}: build the solution first", path);
        }
    }

    /// <summary>The dotnet host running this process (the SDK also exports it to the processes it starts), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    /// <summary>A silo on 127.0.0.1 with Redis membership.</summary>
    /// <param name="threads">libtorch threads for its slots (null: the silo's default).</param>
    /// <param name="onLine">Receives each line the silo prints.</param>
    /// <param name="storeFolder">Checkpoint folder (--store-folder), or null.</param>
    /// <param name="extraArguments">More bam-silo options, passed as they are (e.g. --drain-seconds 10).</param>
    public static ChildProcess StartRedisSilo(string name, string redis, string clusterId, int siloPort, int gatewayPort,
        int? threads = null, Action<string>? onLine = null, string? storeFolder = null, IEnumerable<string>? extraArguments = null) =>
        ChildProcess.Start(name, DotnetHost,
        [
            SiloDll, "--clustering", "redis", "--redis", redis, "--cluster-id", clusterId,
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--advertise-ip", "127.0.0.1",
            .. threads is { } t ? new[] { "--threads", t.ToString() } : [],
            .. storeFolder is { } f ? new[] { "--store-folder", f } : [],
            .. extraArguments ?? [],
        ], onLine: onLine, unsetVariables: NotInherited);

    /// <summary>What a silo we start must not inherit from this process: it gets its Redis on the
    /// command line (our own redis-server); a $BAM_REDIS_CONNECTION from the user's shell would
    /// replace it and send it elsewhere.</summary>
    public static readonly IReadOnlyList<string> NotInherited = [BamSiloOptions.RedisConnectionVariable];
}
