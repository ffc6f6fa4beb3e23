using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BamOrleans.Cli.Commands;
using BamOrleans.Client.Connection;
using BamOrleans.Grains.Runs;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam cluster status` against real in-process clusters (and one on Redis membership):
/// what it reports, and how it fails when there is no cluster or the input is bad.</summary>
public sealed class ClusterCommandTests(ITestOutputHelper testOutput)
{
    private readonly CollectingSink _events = new(testOutput);

    private sealed record Invocation(int Code, string Output, string Error, TimeSpan Took);

    /// <summary>Runs `bam` as a user would, with the command's log in this test's output.</summary>
    private async Task<Invocation> Bam(params string[] args)
    {
        var previous = Log.Logger;
        Log.Logger = NewLogger(LogEventLevel.Debug);
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        try
        {
            // Off the test's thread: the command blocks on its async action.
            var code = await Task.Run(() => BamCommandLine.Create().Parse(args)
                .Invoke(new InvocationConfiguration { Output = output, Error = error }));
            testOutput.WriteLine($"bam {string.Join(' ', args)} → {code}\n{output}\n{error}");
            return new Invocation(code, output.ToString(), error.ToString(), clock.Elapsed);
        }
        finally
        {
            (Log.Logger as IDisposable)?.Dispose();
            Log.Logger = previous;
        }
    }

    /// <summary>As `bam`'s own logger: Orleans and Microsoft at Warning and above.</summary>
    private Serilog.ILogger NewLogger(LogEventLevel minimum) => new LoggerConfiguration()
        .MinimumLevel.Is(minimum)
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
        .MinimumLevel.Override("Polly", LogEventLevel.Warning)
        .WriteTo.Sink(_events)
        .CreateLogger();

    private static CancellationToken Deadline(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Status_lists_both_silos_active_the_oldest_as_the_one_leader_and_the_slots_each_hosts()
    {
        await using var cluster = await LocalCluster.Start(2, new LocalDatasetProvider(), NewLogger(LogEventLevel.Information), Deadline());
        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var primary = hosts.Keys.Single(s => s.Endpoint.Port == cluster.PrimarySiloPort);
        var secondary = hosts.Keys.Single(s => s.Endpoint.Port != cluster.PrimarySiloPort);
        // A run with one slot registered on each silo (nothing trains while it is Created).
        var run = cluster.Client.GetGrain<IRunGrain>("status-run");
        await run.Create(new RunSettings("json", "{}"));
        await run.RegisterSlot("status-run/0", primary);
        await run.RegisterSlot("status-run/1", secondary);

        // Through the second silo's gateway: any gateway of the cluster answers for all of it.
        var json = await Bam("cluster", "status", "--json", "--gateway", $"127.0.0.1:{cluster.GatewayPorts[1]}", "--cluster-id", cluster.ClusterId);

        Assert.Equal(0, json.Code);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        var silos = root.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(2, silos.Count);
        Assert.All(silos, s => Assert.Equal("active", s.GetProperty("status").GetString()));
        var leader = Assert.Single(silos, s => s.GetProperty("isLeader").GetBoolean());
        Assert.Equal($"127.0.0.1:{cluster.PrimarySiloPort}", leader.GetProperty("address").GetString());
        Assert.Equal(primary.ToParsableString(), root.GetProperty("leader").GetString());
        Assert.Contains(cluster.ClusterId, root.GetProperty("connection").GetString());
        // Each silo lists the slot it hosts, on the CPU.
        foreach (var (silo, slot) in new[] { (primary, "status-run/0"), (secondary, "status-run/1") })
        {
            var row = silos.Single(s => s.GetProperty("id").GetString() == silo.ToParsableString());
            var hosted = Assert.Single(row.GetProperty("slots").EnumerateArray());
            Assert.Equal(slot, hosted.GetProperty("slotId").GetString());
            Assert.Equal("status-run", hosted.GetProperty("runId").GetString());
            Assert.Equal("cpu", hosted.GetProperty("device").GetString());
        }
        var listedRun = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal("created", listedRun.GetProperty("status").GetString());
        Assert.Equal(2, listedRun.GetProperty("slots").GetArrayLength());

        var table = await Bam("cluster", "status", "--gateway", $"127.0.0.1:{cluster.GatewayPorts[0]}", "--cluster-id", cluster.ClusterId);

        Assert.Equal(0, table.Code);
        Assert.Contains($"127.0.0.1:{cluster.PrimarySiloPort}", table.Output);
        Assert.Contains($"127.0.0.1:{secondary.Endpoint.Port}", table.Output);
        var leaderLine = Assert.Single(table.Output.Split('\n'), l => l.Contains("leader", StringComparison.Ordinal) && l.Contains("Active", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{cluster.PrimarySiloPort}", leaderLine);
        Assert.Contains("status-run: 1 on cpu", table.Output);
    }

    [Fact]
    public async Task After_a_silo_stops_status_shows_one_active_leader_and_the_other_no_longer_active()
    {
        await using var cluster = await LocalCluster.Start(2, new LocalDatasetProvider(), NewLogger(LogEventLevel.Information), Deadline());
        await cluster.StopSilo(1);

        var status = await Bam("cluster", "status", "--json", "--gateway", $"127.0.0.1:{cluster.GatewayPorts[0]}", "--cluster-id", cluster.ClusterId);

        Assert.Equal(0, status.Code);
        using var document = JsonDocument.Parse(status.Output);
        var silos = document.RootElement.GetProperty("silos").EnumerateArray().ToList();
        var active = Assert.Single(silos, s => s.GetProperty("status").GetString() == "active");
        Assert.Equal($"127.0.0.1:{cluster.PrimarySiloPort}", active.GetProperty("address").GetString());
        Assert.True(active.GetProperty("isLeader").GetBoolean());
        // The stopped silo, if Orleans still lists it, is on its way out or dead, and never the leader.
        Assert.All(silos.Where(s => s.GetProperty("address").GetString() != active.GetProperty("address").GetString()), s =>
        {
            Assert.Contains(s.GetProperty("status").GetString(), new[] { "shuttingDown", "stopping", "dead" });
            Assert.False(s.GetProperty("isLeader").GetBoolean());
        });
    }

    [Fact]
    public async Task With_no_cluster_at_the_address_it_exits_3_in_bounded_time_naming_the_address_and_the_fix()
    {
        var port = LoopbackPorts.Take(1)[0];

        var result = await Bam("cluster", "status", "--gateway", $"127.0.0.1:{port}", "--connect-timeout-seconds", "2");

        Assert.Equal(3, result.Code);
        Assert.Contains($"127.0.0.1:{port}", result.Error);
        Assert.Contains("cluster id 'bam'", result.Error);
        Assert.Contains("start bam-silo there", result.Error);
        Assert.Contains("--cluster-id", result.Error);
        Assert.Equal("", result.Output);
        // Bounded: from the first connect to the answer, the 2 s timeout and at most the 3 s
        // ClusterConnection allows an attempt to notice it (the rest is start-up on a busy machine).
        Assert.True(result.Took < TimeSpan.FromSeconds(30), $"took {result.Took}");
        var connecting = _events.First(e => e.MessageTemplate.Text.StartsWith("Connecting to", StringComparison.Ordinal)).Timestamp;
        var gaveUp = _events.Last(e => e.Level == LogEventLevel.Error).Timestamp;
        Assert.InRange(gaveUp - connecting, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
        // A handful of attempts, not a retry storm, and the failure reported once, without stack traces.
        Assert.True(_events.Count(e => e.MessageTemplate.Text.StartsWith("No answer from", StringComparison.Ordinal)) <= 6);
        Assert.Single(_events, e => e.Level >= LogEventLevel.Warning);
        Assert.DoesNotContain(_events, e => e.Exception is not null);
    }

    [Fact]
    public async Task A_gateway_name_that_does_not_resolve_exits_3_saying_so()
    {
        var result = await Bam("cluster", "status", "--gateway", "no-such-silo.invalid:30000", "--connect-timeout-seconds", "2");

        Assert.Equal(3, result.Code);
        Assert.Contains("host name 'no-such-silo.invalid' does not resolve", result.Error);
        Assert.Contains("gateway no-such-silo.invalid:30000", result.Error);
    }

    [Theory]
    [InlineData("127.0.0.1:notaport", "the port must be a number")]
    [InlineData("127.0.0.1", "is not host:port")]
    [InlineData("::1:30000", "IPv6 address in brackets")]
    [InlineData("127.0.0.1:70000", "between 1 and 65535")]
    [InlineData("127.0.0.1:30000,", "is not host:port")]
    public async Task A_malformed_gateway_exits_2_naming_the_option_and_the_expected_form(string gateway, string expected)
    {
        var result = await Bam("cluster", "status", "--gateway", gateway);

        Assert.Equal(2, result.Code);
        Assert.Contains("--gateway", result.Error);
        Assert.Contains(expected, result.Error);
        // Refused before any connection attempt.
        Assert.True(result.Took < TimeSpan.FromSeconds(5), $"took {result.Took}");
    }

    [Theory]
    [InlineData("--gateway and --redis: choose one", "--gateway", "127.0.0.1:30000", "--redis", "127.0.0.1:6379")]
    [InlineData("--connect-timeout-seconds 0: must be above 0", "--connect-timeout-seconds", "0")]
    [InlineData("--cluster-id must not be empty", "--cluster-id", " ")]
    [InlineData("--redis is not a Redis configuration string", "--redis", "127.0.0.1:6379,nosuchkey=1")]
    public async Task Unusable_connection_options_exit_2_naming_the_option(string expected, params string[] options)
    {
        var result = await Bam(["cluster", "status", .. options]);

        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void Connection_defaults_are_bam_silos_defaults()
    {
        var silo = new BamSiloOptions();

        Assert.Equal(ClusterConnectionOptions.DefaultClusterId, silo.ClusterId);
        Assert.Equal(ClusterConnectionOptions.DefaultServiceId, silo.ServiceId);
        Assert.Equal(new GatewayAddress("127.0.0.1", silo.GatewayPort), ClusterConnectionOptions.DefaultGateway);
    }

    [Fact]
    public async Task Through_redis_membership_it_finds_the_silo_and_a_wrong_cluster_id_or_password_exits_3_showing_no_password()
    {
        using var redis = await RedisServer.Start(TimeSpan.FromSeconds(30), Deadline());
        var ports = LoopbackPorts.Take(2);
        var clusterId = $"redis-{Guid.NewGuid():N}"[..14];
        using var silo = BamSiloHost.Build(new BamSiloOptions
        {
            Clustering = ClusteringMode.Redis,
            Redis = redis.Configuration,
            SiloPort = ports[0],
            GatewayPort = ports[1],
            ClusterId = clusterId,
            AdvertisedIp = IPAddress.Loopback,
        }, NewLogger(LogEventLevel.Information), new LocalDatasetProvider());
        await silo.StartAsync(Deadline());
        try
        {
            var found = await Bam("cluster", "status", "--json", "--redis", redis.Configuration, "--cluster-id", clusterId);

            Assert.Equal(0, found.Code);
            using var document = JsonDocument.Parse(found.Output);
            var only = Assert.Single(document.RootElement.GetProperty("silos").EnumerateArray());
            Assert.Equal($"127.0.0.1:{ports[0]}", only.GetProperty("address").GetString());
            Assert.Equal($"127.0.0.1:{ports[1]}", only.GetProperty("gateway").GetString());
            Assert.True(only.GetProperty("isLeader").GetBoolean());

            var wrongId = await Bam("cluster", "status", "--redis", redis.Configuration, "--cluster-id", "not-" + clusterId,
                "--connect-timeout-seconds", "2");

            Assert.Equal(3, wrongId.Code);
            Assert.Contains($"Redis membership table at {redis.Configuration} (cluster id 'not-{clusterId}'", wrongId.Error);
            Assert.Contains("the same --cluster-id", wrongId.Error);
            Assert.DoesNotContain(_events, e => e.Level == LogEventLevel.Warning
                                                && e.RenderMessage().Contains("Could not find any gateway", StringComparison.Ordinal));

            // A password in --redis is shown nowhere, in the answer or the log (this server needs none).
            var withPassword = await Bam("cluster", "status", "--redis", $"{redis.Configuration},password=hunter2-secret",
                "--cluster-id", "not-" + clusterId, "--connect-timeout-seconds", "2");

            Assert.Equal(3, withPassword.Code);
            Assert.Contains($"Redis membership table at {redis.Configuration} (cluster id", withPassword.Error);
            Assert.DoesNotContain("hunter2", withPassword.Error + withPassword.Output);
            Assert.DoesNotContain(_events, e => e.RenderMessage().Contains("hunter2", StringComparison.Ordinal)
                                                || (e.Exception?.ToString().Contains("hunter2", StringComparison.Ordinal) ?? false));
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await silo.StopAsync(stop.Token); }
            catch (OperationCanceledException) { /* disposed next anyway */ }
        }
    }

    /// <summary>Keeps every log event (tests assert on them) and shows each in the test's output.</summary>
    private sealed class CollectingSink(ITestOutputHelper output) : ILogEventSink, IEnumerable<LogEvent>
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();
        private readonly TestOutputSink _output = new(output);

        public void Emit(LogEvent logEvent)
        {
            _events.Enqueue(logEvent);
            _output.Emit(logEvent);
        }

        public IEnumerator<LogEvent> GetEnumerator() => _events.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
