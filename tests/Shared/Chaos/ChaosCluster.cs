using BamOrleans.Grains.Placement;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>One bam-silo process of a chaos cluster.</summary>
internal sealed class ChaosSilo(int number, ChildProcess process, int siloPort, int gatewayPort)
{
    public int Number { get; } = number;

    public ChildProcess Process { get; } = process;

    public int SiloPort { get; } = siloPort;

    public int GatewayPort { get; } = gatewayPort;

    /// <summary>How the driver stopped it ("SIGKILL", "SIGTERM"), or null while it is meant to run.</summary>
    public string? StoppedBy { get; set; }

    public bool Live => StoppedBy is null && !Process.HasExited;

    public override string ToString() => $"{Process.Name} (pid {Process.Id}, port {SiloPort})";
}

/// <summary>
/// A cluster of real processes on 127.0.0.1 for the chaos runs: a redis-server holding the
/// membership table, bam-silo processes (one libtorch thread each, checkpoints in a folder they
/// share, fresh ports for every process, as a replacement node gets a new address) and a client.
/// Silos can be killed (SIGKILL), terminated (SIGTERM) and added at any time. Everything it starts
/// is stopped by its own process id in <see cref="StopEverything"/>.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    private readonly List<ChaosSilo> _silos = [];
    private readonly ILogger _log;
    private readonly IReadOnlyList<string> _extraSiloArguments;
    private RedisServer? _redis;
    private IHost? _client;
    private bool _stopped;

    private ChaosCluster(ILogger log, IReadOnlyList<string> extraSiloArguments)
    {
        _log = log.ForContext<ChaosCluster>();
        _extraSiloArguments = extraSiloArguments;
        Store = Directory.CreateTempSubdirectory("bam-chaos-store-").FullName;
    }

    /// <summary>On every silo's command line: how leftovers are found.</summary>
    public string ClusterId { get; } = $"chaos-{Guid.NewGuid():N}";

    /// <summary>The checkpoint folder every silo shares.</summary>
    public string Store { get; }

    /// <summary>Every silo process started, in start order, stopped ones included.</summary>
    public IReadOnlyList<ChaosSilo> Silos => _silos;

    /// <summary>The silos meant to be running, oldest first.</summary>
    public IReadOnlyList<ChaosSilo> Live => _silos.Where(s => s.Live).ToList();

    /// <summary>The connected client (throws while there is none, e.g. right after every silo was killed).</summary>
    public IClusterClient Client => (_client ?? throw new InvalidOperationException("no client connected")).Services.GetRequiredService<IClusterClient>();

    public bool HasClient => _client is not null;

    /// <summary>Starts redis-server and <paramref name="silos"/> silos, connects a client and waits
    /// until membership shows every silo active.</summary>
    /// <param name="extraSiloArguments">More bam-silo options for every silo (e.g. --drain-seconds 10).</param>
    public static async Task<ChaosCluster> Start(int silos, Deadline deadline, ILogger log, IReadOnlyList<string>? extraSiloArguments = null)
    {
        var cluster = new ChaosCluster(log, extraSiloArguments ?? []);
        try
        {
            cluster._redis = await RedisServer.Start(deadline.Remaining, deadline.Token());
            for (var i = 0; i < silos; i++) cluster.StartSilo();
            await cluster.Connect(deadline);
            await cluster.WaitForActive(silos, deadline);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo on fresh ports (it joins the membership on its own).</summary>
    public ChaosSilo StartSilo()
    {
        var redis = _redis ?? throw new InvalidOperationException("redis-server is not running");
        var ports = LoopbackPorts.Take(2);
        var number = _silos.Count;
        var process = SiloProcess.StartRedisSilo($"silo{number}", redis.Configuration, ClusterId, ports[0], ports[1],
            threads: 1, storeFolder: Store, extraArguments: _extraSiloArguments);
        var silo = new ChaosSilo(number, process, ports[0], ports[1]);
        _silos.Add(silo);
        _log.Information("Started {Silo:l}", silo.ToString());
        return silo;
    }

    /// <summary>Waits until membership lists exactly <paramref name="count"/> active silos.</summary>
    public Task WaitForActive(int count, Deadline deadline, TimeSpan? limit = null)
    {
        var seen = -1;
        return deadline.Until($"{count} active silos", async () =>
            (seen = (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count) == count,
            () => $"{seen} active\n{Logs()}", limit: limit);
    }

    /// <summary>Connects a client (after every silo was lost the old one has no gateway left).</summary>
    public async Task Connect(Deadline deadline)
    {
        var redis = _redis ?? throw new InvalidOperationException("redis-server is not running");
        await Disconnect();
        _client = await RedisClusterClient.Connect(redis.Configuration, ClusterId, deadline, () => Logs());
    }

    public async Task Disconnect()
    {
        var client = _client;
        _client = null;
        await RedisClusterClient.Stop(client, message => _log.Warning("{Message}", message));
    }

    /// <summary>
    /// The leader: the oldest active silo by the same rule the silos use (<see cref="LeaderElection"/>),
    /// matched to our process by its silo port.
    /// </summary>
    public async Task<ChaosSilo> Leader()
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var leader = LeaderElection.Choose(hosts.Keys);
        return _silos.SingleOrDefault(s => s.Live && s.SiloPort == leader.Endpoint.Port)
               ?? throw new InvalidOperationException($"the leader {leader} is none of the live silos: {string.Join(", ", Live)}");
    }

    /// <summary>SIGKILL, as spot nodes vanishing: every signal is sent before any exit is awaited,
    /// so that the silos die together (one by one, the last could still complete a step the ledger
    /// never reads). Waits (boundedly) until every process is gone.</summary>
    public void Kill(params ChaosSilo[] silos)
    {
        foreach (var silo in silos)
        {
            silo.StoppedBy = "SIGKILL";
            silo.Process.Kill();
        }
        foreach (var silo in silos)
        {
            if (!silo.Process.KillAndWait(TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException($"{silo} did not exit within 10 s of SIGKILL");
            _log.Information("Killed {Silo:l}", silo.ToString());
        }
    }

    /// <summary>SIGTERM, an eviction notice: the silo must drain and leave by itself (not awaited here).</summary>
    public void Terminate(ChaosSilo silo)
    {
        silo.StoppedBy = "SIGTERM";
        silo.Process.Terminate();
        _log.Information("Sent SIGTERM to {Silo:l}", silo.ToString());
    }

    /// <summary>SIGSTOP: the silo stalls with its sockets open until <see cref="ChildProcess.Resume"/>
    /// (a zombie once membership has declared it dead). Not live meanwhile: nothing calls it.</summary>
    public void Freeze(ChaosSilo silo)
    {
        silo.StoppedBy = "SIGSTOP";
        silo.Process.Suspend();
        _log.Information("Froze {Silo:l} (SIGSTOP)", silo.ToString());
    }

    /// <summary>The last output lines of every process started, for failure messages.</summary>
    public string Logs(int lines = 30) =>
        string.Join('\n', (_redis is null ? [] : new[] { _redis.Process.Tail(Math.Min(lines, 10)) })
            .Concat(_silos.Select(s => s.Process.Tail(lines))));

    /// <summary>
    /// Stops the client and kills every process started, each by its own id; returns what could not
    /// be stopped or still runs with this cluster's marks on its command line (empty: all gone).
    /// Safe to repeat.
    /// </summary>
    public async Task<IReadOnlyList<string>> StopEverything()
    {
        var problems = new List<string>();
        if (_stopped) return problems;
        _stopped = true;
        await Disconnect();
        foreach (var silo in _silos)
            if (!silo.Process.KillAndWait(TimeSpan.FromSeconds(10))) problems.Add($"{silo} still running after SIGKILL");
        var redisDirectory = _redis?.DataDirectory;
        if (_redis is not null && !_redis.Process.KillAndWait(TimeSpan.FromSeconds(10))) problems.Add($"redis-server (pid {_redis.Process.Id}) still running after SIGKILL");
        _redis?.Dispose();
        foreach (var silo in _silos) silo.Process.Dispose();
        problems.AddRange(ChildProcess.RunningWithCommandLine(ClusterId).Select(pid => $"pid {pid} still runs with cluster id {ClusterId}"));
        if (redisDirectory is not null)
            problems.AddRange(ChildProcess.RunningWithCommandLine(redisDirectory).Select(pid => $"pid {pid} still runs with {redisDirectory}"));
        try
        {
            Directory.Delete(Store, recursive: true);
        }
        catch (IOException e)
        {
            _log.Warning("Could not delete the store {Store}: {Error}", Store, e.Message);
        }
        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        var problems = await StopEverything();
        foreach (var problem in problems) _log.Error("Left behind: {Problem}", problem);
    }
}
