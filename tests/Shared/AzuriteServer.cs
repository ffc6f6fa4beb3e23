using System.Net.Sockets;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;

namespace BamOrleans.Tests.Shared;

/// <summary>
/// A throw-away Azurite blob service (Microsoft's Azure Storage emulator) on a free 127.0.0.1 port,
/// its data in a temporary folder deleted on dispose. It speaks the real Blob REST API, so the
/// Azure store is tested against the same requests, conditions and errors as in Azure.
/// </summary>
/// <remarks>
/// Shared by the storage tests, the checkpoint tests and the checkpoint benchmark (each links this
/// file and src/BamOrleans.Silo's ChildProcess.cs and LoopbackPorts.cs, or references the silo).
/// </remarks>
public sealed class AzuriteServer : IDisposable
{
    /// <summary>Azurite's well-known development account: public, documented, valid only for the emulator.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Points the tests (and the benchmark) at another azurite-blob executable.</summary>
    public const string ExecutableVariable = "BAM_AZURITE_BLOB";

    public const string InstallHint =
        "azurite-blob was not found. The storage and checkpoint tests (and the checkpoint benchmark) start their own Azurite (npm package azurite 3.37.0). " +
        "Install it with `bash scripts/test.sh` (its set-up runs ensure_azurite from scripts/lib/setup.sh, which installs it into .tools/azurite), " +
        "or directly: `npm install --prefix .tools/azurite azurite@3.37.0` in the repository root; " +
        $"or set {ExecutableVariable} to an azurite-blob executable.";

    private readonly string _directory;

    private AzuriteServer(ChildProcess process, int port, string directory)
    {
        Process = process;
        Port = port;
        _directory = directory;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public Uri AccountUrl => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString => ConnectionStringFor(Port, AccountKey);

    public static string ConnectionStringFor(int port, string accountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={accountKey};BlobEndpoint=http://127.0.0.1:{port}/{AccountName};";

    /// <summary>The executable: <see cref="ExecutableVariable"/>, else .tools/azurite in the repository holding this build.</summary>
    public static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "BamOrleans.sln"))) continue;
            var executable = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
            return File.Exists(executable) ? executable : null;
        }
        return null;
    }

    /// <summary>The executable, or a failure that says how to install it: never a silent skip.</summary>
    public static string Require(string? executable) => executable ?? throw new InvalidOperationException(InstallHint);

    /// <summary>Starts azurite-blob and waits (at most <paramref name="startTimeout"/>) until it
    /// accepts connections, or fails with its last output lines; a missing Azurite fails with the install hint.</summary>
    public static async Task<AzuriteServer> Start(TimeSpan startTimeout)
    {
        var executable = Require(FindExecutable());
        var port = LoopbackPorts.Take(1)[0];
        var directory = Directory.CreateTempSubdirectory("bam-azurite-").FullName;
        var process = ChildProcess.Start("azurite-blob", executable,
        [
            "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", directory,
            "--silent", "--skipApiVersionCheck", "--disableTelemetry",
        ], directory);
        var server = new AzuriteServer(process, port, directory);
        try
        {
            var end = DateTime.UtcNow + startTimeout;
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"azurite-blob exited at start:\n{process.Tail(10)}");
                if (await Accepts(port)) return server;
                if (DateTime.UtcNow > end)
                    throw new TimeoutException($"azurite-blob did not accept connections on port {port} within {startTimeout.TotalSeconds:F0} s:\n{process.Tail(10)}");
                await Task.Delay(100);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills Azurite by its process id and deletes its data folder.</summary>
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

    private static async Task<bool> Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
