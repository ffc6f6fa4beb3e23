using System.Net;
using System.Net.Sockets;
using BamOrleans.Core.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Serilog;
using Serilog.Extensions.Logging;
using StackExchange.Redis;

namespace BamOrleans.Client.Connection;

/// <summary>
/// Connects an Orleans client to a running BamOrleans cluster, through static gateways or the
/// silos' Redis membership table, within a bounded time: either a started client comes back, or
/// <see cref="ClusterUnreachableException"/> saying where it looked and what to do.
/// </summary>
public static class ClusterConnection
{
    /// <summary>Room past the timeout for Orleans to notice the cancellation inside an attempt
    /// (a Redis connect does not watch the token) before the start is abandoned.</summary>
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(3);

    /// <summary>Orleans' loggers that report a failed connection attempt.</summary>
    private static readonly string[] ConnectNoise =
        ["Orleans.Runtime.Messaging.ConnectionManager", "Orleans.Messaging.GatewayManager", "Orleans.Messaging.ClientMessageCenter"];

    /// <exception cref="InvalidConfigurationException">The options are unusable (bad input).</exception>
    /// <exception cref="ClusterUnreachableException">Nothing answered within the connect timeout.</exception>
    public static async Task<ConnectedCluster> Connect(ClusterConnectionOptions options, Serilog.ILogger log,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var problems = options.Validate();
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);

        log = log.ForContext(typeof(ClusterConnection));
        var where = options.Describe();
        var attempts = new ConnectAttempts(options.ConnectTimeout, where, log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.ConnectTimeout);
        log.Debug("Connecting to {Cluster} (timeout {Timeout} s)", where, options.ConnectTimeout.TotalSeconds);

        var gateways = options.Redis is null ? await Resolve(options, attempts, timeout.Token, cancellation) : [];
        var host = BuildClient(options, gateways, attempts, log);
        var start = host.StartAsync(timeout.Token);
        try
        {
            await start.WaitAsync(options.ConnectTimeout + AbandonAfter, cancellation);
        }
        catch (Exception e) when (IsNoAnswer(e) && !cancellation.IsCancellationRequested)
        {
            Abandon(host, start, log);
            // The last attempt's own failure says more than the cancellation that ended the wait.
            throw Unreachable(options, attempts.LastFailure ?? e);
        }
        catch
        {
            Abandon(host, start, log);
            throw;
        }
        attempts.Connected = true;
        log.Information("Connected to {Cluster}", where);
        return new ConnectedCluster(host, where);
    }

    private static IHost BuildClient(ClusterConnectionOptions options, IPEndPoint[] gateways, ConnectAttempts attempts,
        Serilog.ILogger log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(log, dispose: false);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        // While connecting, each failed attempt makes Orleans log a warning (a refused connect, no
        // gateway in the table) and the host an error with a stack trace when it gives up: the one
        // failure ClusterUnreachableException reports once, with the fix. Those categories are
        // held back below Error until connected; afterwards (a gateway lost mid-run) they all show.
        // Rules named for the provider, as AddSerilog's own catch-all rule is, or they would lose to it.
        foreach (var category in ConnectNoise)
            builder.Logging.AddFilter<SerilogLoggerProvider>(category, level => attempts.Connected || level >= LogLevel.Error);
        builder.Logging.AddFilter<SerilogLoggerProvider>("Microsoft.Extensions.Hosting", level => attempts.Connected || level >= LogLevel.Critical);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (options.Redis is null) client.UseStaticClustering(gateways);
            else client.UseRedisClustering(o => o.ConfigurationOptions = RedisForConnect(options));
            client.UseConnectionRetryFilter(attempts.ShouldRetry);
        });
        return builder.Build();
    }

    /// <summary>The Redis settings for one connect: fail an attempt fast (the retry filter tries
    /// again) and never let one attempt outlast the whole timeout.</summary>
    private static ConfigurationOptions RedisForConnect(ClusterConnectionOptions options)
    {
        var redis = options.RedisConfiguration();
        redis.AbortOnConnectFail = true;
        redis.ConnectTimeout = (int)Math.Min(redis.ConnectTimeout, options.ConnectTimeout.TotalMilliseconds);
        return redis;
    }

    /// <summary>The gateways' endpoints; host names are looked up here, as Orleans' static list needs addresses.</summary>
    private static async Task<IPEndPoint[]> Resolve(ClusterConnectionOptions options, ConnectAttempts attempts,
        CancellationToken timeout, CancellationToken cancellation)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in options.Gateways)
        {
            if (IPAddress.TryParse(gateway.Host, out var ip))
            {
                endpoints.Add(new IPEndPoint(ip, gateway.Port));
                continue;
            }
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(gateway.Host, timeout);
                // IPv4 first: silos announce IPv4 addresses unless configured otherwise.
                var chosen = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
                if (chosen is not null) endpoints.Add(new IPEndPoint(chosen, gateway.Port));
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                // A name that does not resolve (or not in time) is a place nothing answers, not bad input.
                attempts.Record(new SocketException((int)SocketError.HostNotFound, $"host name '{gateway.Host}' does not resolve ({e.Message})"));
            }
        }
        if (endpoints.Count == 0) throw Unreachable(options, attempts.LastFailure);
        return endpoints.ToArray();
    }

    /// <summary>Failures that mean "no cluster answered there", as opposed to a bug or bad settings.</summary>
    private static bool IsNoAnswer(Exception e) =>
        e is OrleansException or TimeoutException or OperationCanceledException or SocketException or IOException or RedisException;

    private static ClusterUnreachableException Unreachable(ClusterConnectionOptions options, Exception? last)
    {
        var seconds = options.ConnectTimeout.TotalSeconds;
        var fix = options.Redis is null
            ? "start bam-silo there (its --gateway-port), or pass --gateway host:port / --redis host:port and the silos' --cluster-id"
            : "check that Redis runs there and that bam-silo was started with --clustering redis, the same --redis and the same --cluster-id; or pass --gateway host:port";
        // A cancellation only says the timeout ended the wait: no attempt had failed yet.
        var reason = last is null or OperationCanceledException ? "" : $" Last error: {Scrub(last.Message, options)}";
        return new ClusterUnreachableException(
            $"no BamOrleans cluster answered at {options.Describe()} within {seconds:0.#} s: {fix}.{reason}", last);
    }

    /// <summary>A failure's message with the Redis password (if any) blanked: messages end up on screens and in logs.</summary>
    private static string Scrub(string message, ClusterConnectionOptions options)
    {
        var password = options.Redis is null ? null : options.RedisConfiguration().Password;
        return string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);
    }

    /// <summary>Gives up on a start that failed or overran: the client host is disposed once the
    /// start has returned, so nothing of it keeps running, and the caller does not wait for that.</summary>
    private static void Abandon(IHost host, Task start, Serilog.ILogger log) =>
        _ = start.ContinueWith(_ =>
        {
            try { host.Dispose(); }
            catch (Exception e) { log.Debug("Disposing the unconnected client failed: {Reason}", e.Message); }
        }, TaskScheduler.Default);
}
