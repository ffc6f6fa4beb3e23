using System.CommandLine;
using BamOrleans.Client.Connection;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>
/// The options every command that talks to a running cluster shares: where its gateways are (or
/// the Redis membership table its silos use), its ids, and how long to try. Defaults meet a
/// `bam-silo` started with its defaults on this machine.
/// </summary>
internal sealed class ConnectionOptionSet
{
    private readonly Option<string[]> _gateway = new("--gateway")
    {
        Description = $"a silo gateway, host:port (bam-silo's --gateway-port); repeat it or give a comma list (default {ClusterConnectionOptions.DefaultGateway})",
        DefaultValueFactory = _ => [ClusterConnectionOptions.DefaultGateway.ToString()],
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _redis = new("--redis")
    {
        Description = "find the gateways in the silos' Redis membership table: the StackExchange.Redis string given to bam-silo --redis (host:port[,password=...])",
    };

    private readonly Option<string> _clusterId = new("--cluster-id")
    {
        Description = "the silos' --cluster-id",
        DefaultValueFactory = _ => ClusterConnectionOptions.DefaultClusterId,
    };

    private readonly Option<string> _serviceId = new("--service-id")
    {
        Description = "the silos' --service-id",
        DefaultValueFactory = _ => ClusterConnectionOptions.DefaultServiceId,
    };

    private readonly Option<double> _connectTimeout = new("--connect-timeout-seconds")
    {
        Description = "give up (exit 3) when no cluster answers within this many seconds",
        DefaultValueFactory = _ => ClusterConnectionOptions.DefaultConnectTimeout.TotalSeconds,
    };

    public static ConnectionOptionSet AddTo(Command command)
    {
        var set = new ConnectionOptionSet();
        foreach (var option in new Option[] { set._gateway, set._redis, set._clusterId, set._serviceId, set._connectTimeout })
            command.Options.Add(option);
        return set;
    }

    /// <summary>The connection the options describe. Throws <see cref="InvalidConfigurationException"/>
    /// (bad input: exit 2) naming each unusable option and its fix.</summary>
    public ClusterConnectionOptions Read(ParseResult parse)
    {
        var problems = new List<string>();
        var gateways = new List<GatewayAddress>();
        foreach (var text in (parse.GetValue(_gateway) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (GatewayAddress.TryParse(text, out var problem) is { } gateway) gateways.Add(gateway);
            else problems.Add($"--gateway {problem}");
        }
        var redis = parse.GetValue(_redis);
        var gatewayGiven = parse.GetResult(_gateway) is { Implicit: false };
        if (redis is not null && gatewayGiven)
            problems.Add("--gateway and --redis: choose one (--redis finds the gateways in the silos' membership table)");
        var seconds = parse.GetValue(_connectTimeout);
        // Checked here, before it becomes a TimeSpan (which overflows), with the value as typed.
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 600)
            problems.Add($"--connect-timeout-seconds {seconds}: must be above 0 and at most 600");
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);

        var options = new ClusterConnectionOptions
        {
            Gateways = gateways,
            Redis = redis,
            ClusterId = parse.GetValue(_clusterId) ?? "",
            ServiceId = parse.GetValue(_serviceId) ?? "",
            ConnectTimeout = TimeSpan.FromSeconds(seconds),
        };
        problems.AddRange(options.Validate());
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);
        return options;
    }
}
