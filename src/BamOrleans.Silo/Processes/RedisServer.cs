using System.Net.Sockets;
using System.Text;

namespace BamOrleans.Silo.Processes;

/// <summary>
/// A throw-away redis-server on a free 127.0.0.1 port: no persistence, data in a temporary folder
/// deleted on dispose. Holds only one local cluster's membership table.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string InstallHint =
        "redis-server was not found on PATH. Multi-process clusters (bam local --processes, the cluster tests) start their own instance of it. " +
        "Install it with `bash scripts/test.sh` (its set-up runs ensure_redis_server from scripts/lib/setup.sh), " +
        "or directly: `apt-get install redis-server` (Debian package redis-server).";

    private readonly string _directory;

    private RedisServer(ChildProcess process, int port, string directory)
    {
        Process = process;
        Port = port;
        _directory = directory;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Its data folder, which also appears on its command line.</summary>
    public string DataDirectory => _directory;

    public static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/bin").Append("/usr/sbin")
        .Select(dir => Path.Combine(dir, "redis-server"))
        .FirstOrDefault(File.Exists);

    /// <summary>The executable, or a failure that says how to install it: never a silent skip.</summary>
    public static string Require(string? executable) => executable ?? throw new InvalidOperationException(InstallHint);

    /// <summary>Starts redis-server and waits (at most <paramref name="startTimeout"/>) until it
    /// answers PING, or fails clearly with its last output lines.</summary>
    public static async Task<RedisServer> Start(TimeSpan startTimeout, CancellationToken cancellation = default)
    {
        var executable = Require(FindExecutable());
        var port = LoopbackPorts.Take(1)[0];
        var directory = Directory.CreateTempSubdirectory("bam-redis-").FullName;
        var process = ChildProcess.Start("redis-server", executable,
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--daemonize", "no", "--protected-mode", "yes",
        ], directory);
        var server = new RedisServer(process, port, directory);
        try
        {
            var end = DateTime.UtcNow + startTimeout;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (process.HasExited)
                    throw new InvalidOperationException($"redis-server exited at start:\n{process.Tail(10)}");
                try
                {
                    if (await server.Ping()) return server;
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    // Not listening yet.
                }
                if (DateTime.UtcNow > end)
                    throw new TimeoutException($"redis-server did not answer PING on port {port} within {startTimeout.TotalSeconds:F0} s:\n{process.Tail(10)}");
                await Task.Delay(100, cancellation);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the server (if the test has not already) and deletes its folder.</summary>
    public void Dispose()
    {
        Process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never hide the caller's own outcome.
        }
    }


    private async Task<bool> Ping()
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}
