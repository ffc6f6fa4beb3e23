using System.Net;
using StackExchange.Redis;

namespace BamOrleans.Client.Connection;

/// <summary>
/// Where a client finds a running cluster: either silo gateways named directly (static list), or
/// the Redis membership table the silos register in. Either way the cluster id and service id
/// must be the silos' own: Orleans refuses a client of another cluster.
/// </summary>
public sealed record ClusterConnectionOptions
{
    // The same defaults as bam-silo's BamSiloOptions, which this project does not reference
    // (the CLI's tests check the two stay equal).
    public const string DefaultClusterId = "bam";
    public const string DefaultServiceId = "bam-orleans";
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>bam-silo's gateway on this machine: what a client tries when told nothing.</summary>
    public static readonly GatewayAddress DefaultGateway = new("127.0.0.1", GatewayAddress.DefaultPort);

    /// <summary>Gateways to connect through (ignored when <see cref="Redis"/> is set).</summary>
    public IReadOnlyList<GatewayAddress> Gateways { get; init; } = [DefaultGateway];

    /// <summary>StackExchange.Redis configuration string of the silos' membership table
    /// ("host:port[,password=...]"); null: use <see cref="Gateways"/>. May hold a secret: never log it.</summary>
    public string? Redis { get; init; }

    public string ClusterId { get; init; } = DefaultClusterId;

    public string ServiceId { get; init; } = DefaultServiceId;

    /// <summary>How long to keep trying before giving up with <see cref="ClusterUnreachableException"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Problems that make these options unusable, each naming the command-line option and
    /// the fix; empty when fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Redis is null && Gateways.Count == 0)
            problems.Add("no gateway given: pass --gateway host:port (bam-silo's --gateway-port) or --redis host:port");
        if (Redis is not null)
        {
            if (RedisEndpoints() is { } problem) problems.Add(problem);
        }
        if (string.IsNullOrWhiteSpace(ClusterId)) problems.Add("--cluster-id must not be empty: pass the silos' --cluster-id (default 'bam')");
        if (string.IsNullOrWhiteSpace(ServiceId)) problems.Add($"--service-id must not be empty: pass the silos' --service-id (default '{DefaultServiceId}')");
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(10))
            problems.Add($"--connect-timeout-seconds {ConnectTimeout.TotalSeconds}: must be above 0 and at most 600");
        return problems;
    }

    /// <summary>Where the client looks, for messages and logs: endpoints and ids, never a password.</summary>
    public string Describe() =>
        (Redis is null
            ? $"{(Gateways.Count == 1 ? "gateway" : "gateways")} {string.Join(", ", Gateways)}"
            : $"the Redis membership table at {string.Join(", ", RedisConfiguration().EndPoints.Select(Show))}")
        + $" (cluster id '{ClusterId}', service id '{ServiceId}')";

    /// <summary>The parsed Redis configuration (call only when <see cref="Validate"/> found nothing).</summary>
    internal ConfigurationOptions RedisConfiguration() =>
        ConfigurationOptions.Parse(Redis ?? throw new InvalidOperationException("no Redis configuration"));

    /// <summary>A problem with the Redis configuration string, or null when it names at least one server.</summary>
    private string? RedisEndpoints()
    {
        try
        {
            return RedisConfiguration().EndPoints.Count == 0
                ? "--redis names no server: pass host:port of the Redis the silos use (their --redis)"
                : null;
        }
        catch (ArgumentException e)
        {
            // StackExchange.Redis names the unknown keyword, not the values, so no password is repeated here.
            return $"--redis is not a Redis configuration string ({e.Message}): pass host:port[,password=...] as given to bam-silo --redis";
        }
    }

    private static string Show(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };
}
