namespace BamOrleans.Cluster.Tests.MultiProcess;

/// <summary>Starts the real `bam-silo` executable (the build output copied beside the tests) as a child process.</summary>
internal static class SiloProcess
{
    /// <summary>The silo's entry assembly; the test project references the silo project, so the build copies it here.</summary>
    public static string SiloDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "bam-silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"bam-silo.dll not found beside the tests ({path}); build the solution first", path);
        }
    }

    /// <summary>The dotnet host running these tests (the SDK exports it to the processes it starts), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    public static ChildProcess StartRedisSilo(string name, string redis, string clusterId, int siloPort, int gatewayPort) =>
        ChildProcess.Start(name, DotnetHost,
        [
            SiloDll, "--clustering", "redis", "--redis", redis, "--cluster-id", clusterId,
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--advertise-ip", "127.0.0.1",
        ]);
}
