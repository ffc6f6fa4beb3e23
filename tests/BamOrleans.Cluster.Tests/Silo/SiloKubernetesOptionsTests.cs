using System.Net;
using System.CommandLine;
using System.Text.Json;
using BamOrleans.Silo;
using Serilog.Events;
using Serilog.Parsing;

namespace BamOrleans.Cluster.Tests.Silo;

/// <summary>`bam-silo --kubernetes`, --log-format and the Redis configuration from the environment.</summary>
public sealed class SiloKubernetesOptionsTests
{
    /// <summary>What the manifests in deploy/ give a silo's container.</summary>
    private static Dictionary<string, string> PodEnvironment() => new()
    {
        [KubernetesPod.ApiServerVariable] = "10.0.0.1",
        [KubernetesPod.PodNameVariable] = "bam-silo-7d9f-abcde",
        [KubernetesPod.PodNamespaceVariable] = "bam",
        [KubernetesPod.PodIpVariable] = "10.244.1.17",
    };

    private static (BamSiloOptions? Options, int Exit, string Stderr) Parse(IReadOnlyDictionary<string, string> environment, bool tokenMounted, params string[] args)
    {
        BamSiloOptions? parsed = null;
        var stderr = new StringWriter();
        var command = SiloCommand.Create(o => { parsed = o; return Task.FromResult(0); },
            name => environment.GetValueOrDefault(name), path => tokenMounted && path == KubernetesPod.ServiceAccountTokenPath, stderr);
        // Parse errors (an unknown --log-format) are the command-line library's: exit non-zero, nothing parsed.
        var exit = command.Parse(args).Invoke(new InvocationConfiguration { Error = stderr, Output = TextWriter.Null });
        return (exit == 0 ? parsed : null, exit, stderr.ToString());
    }

    private static readonly string[] KubernetesArgs = ["--kubernetes", "--clustering", "redis", "--redis", "redis:6379"];

    [Fact]
    public void Kubernetes_silo_takes_its_name_address_and_namespace_from_the_pod()
    {
        var (options, _, stderr) = Parse(PodEnvironment(), tokenMounted: true, KubernetesArgs);
        Assert.NotNull(options);
        Assert.Equal("", stderr);
        Assert.True(options.Kubernetes);
        Assert.Equal(new KubernetesPod("bam-silo-7d9f-abcde", "bam", IPAddress.Parse("10.244.1.17"), null, null), options.Pod);
        Assert.Equal("bam", options.ClusterId); // no ORLEANS_CLUSTER_ID: --cluster-id's default
        Assert.Equal("10.244.1.17:11111", BamSiloHost.DescribeEndpoint(options));
    }

    [Fact]
    public void Pod_cluster_and_service_ids_win_over_the_command_line()
    {
        var environment = PodEnvironment();
        environment[KubernetesPod.ClusterIdVariable] = "spot-a";
        environment[KubernetesPod.ServiceIdVariable] = "bam-prod";
        var (options, _, _) = Parse(environment, tokenMounted: true, [.. KubernetesArgs, "--cluster-id", "other"]);
        Assert.NotNull(options);
        Assert.Equal(("spot-a", "bam-prod"), (options.ClusterId, options.ServiceId));
    }

    [Fact]
    public void Pod_ids_are_ignored_without_kubernetes()
    {
        var environment = PodEnvironment();
        environment[KubernetesPod.ClusterIdVariable] = "spot-a";
        var (options, _, _) = Parse(environment, tokenMounted: true, "--clustering", "redis", "--cluster-id", "mine");
        Assert.NotNull(options);
        Assert.Equal("mine", options.ClusterId);
        Assert.Null(options.Pod);
    }

    [Theory]
    [InlineData(KubernetesPod.PodNameVariable, "metadata.name")]
    [InlineData(KubernetesPod.PodNamespaceVariable, "metadata.namespace")]
    [InlineData(KubernetesPod.PodIpVariable, "status.podIP")]
    public void Missing_downward_api_variable_is_named_with_its_field(string variable, string field)
    {
        var environment = PodEnvironment();
        environment.Remove(variable);
        var (options, exit, stderr) = Parse(environment, tokenMounted: true, KubernetesArgs);
        Assert.Null(options);
        Assert.Equal(2, exit);
        Assert.Contains($"${variable} is not set", stderr);
        Assert.Contains(field, stderr);
    }

    [Fact]
    public void Pod_ip_must_be_an_address()
    {
        var environment = PodEnvironment();
        environment[KubernetesPod.PodIpVariable] = "bam-silo-0";
        var (_, exit, stderr) = Parse(environment, tokenMounted: true, KubernetesArgs);
        Assert.Equal(2, exit);
        Assert.Contains("is not an IP address", stderr);
    }

    [Fact]
    public void Kubernetes_outside_a_pod_is_refused()
    {
        var environment = PodEnvironment();
        environment.Remove(KubernetesPod.ApiServerVariable);
        var (_, exit, stderr) = Parse(environment, tokenMounted: true, KubernetesArgs);
        Assert.Equal(2, exit);
        Assert.Contains("not a Kubernetes pod", stderr);
    }

    [Fact]
    public void Kubernetes_without_a_service_account_token_is_refused()
    {
        var (_, exit, stderr) = Parse(PodEnvironment(), tokenMounted: false, KubernetesArgs);
        Assert.Equal(2, exit);
        Assert.Contains("automountServiceAccountToken", stderr);
    }

    [Theory]
    [InlineData("--kubernetes")] // localhost clustering by default
    [InlineData("--kubernetes", "--clustering", "localhost")]
    [InlineData("--kubernetes", "--clustering", "redis", "--advertise-ip", "10.0.0.5")]
    [InlineData("--log-format", "xml")]
    public void Inconsistent_kubernetes_and_log_options_are_refused(params string[] args)
    {
        var (options, exit, _) = Parse(PodEnvironment(), tokenMounted: true, args);
        Assert.Null(options);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void Redis_from_the_environment_replaces_the_command_line_and_draws_no_warning()
    {
        var environment = new Dictionary<string, string> { [BamSiloOptions.RedisConnectionVariable] = "cache:6380,password=hunter2,ssl=True" };
        var (options, _, stderr) = Parse(environment, tokenMounted: false, "--clustering", "redis", "--redis", "127.0.0.1:6379");
        Assert.NotNull(options);
        Assert.Equal("cache:6380,password=hunter2,ssl=True", options.Redis);
        Assert.True(options.RedisFromEnvironment);
        Assert.Equal("", stderr);
        Assert.DoesNotContain("hunter2", BamSiloHost.DescribeRedis(options.Redis));
    }

    [Fact]
    public void Password_on_the_command_line_draws_a_warning_without_the_password()
    {
        var (options, _, stderr) = Parse(new Dictionary<string, string>(), tokenMounted: false, "--clustering", "redis", "--redis", "127.0.0.1:6379,password=hunter2");
        Assert.NotNull(options); // still runs: local clusters use it
        Assert.Contains(BamSiloOptions.RedisConnectionVariable, stderr);
        Assert.DoesNotContain("hunter2", stderr);
    }

    [Theory]
    [InlineData("json", SiloLogFormat.Json)]
    [InlineData("TEXT", SiloLogFormat.Text)]
    public void Log_format_is_parsed(string text, SiloLogFormat expected)
    {
        var (options, _, _) = Parse(new Dictionary<string, string>(), tokenMounted: false, "--log-format", text);
        Assert.Equal(expected, options?.LogFormat);
    }

    [Fact]
    public void Json_logs_are_one_compact_json_object_per_event_with_the_silo_and_its_properties()
    {
        var template = new MessageTemplateParser().Parse("Silo {Endpoint} up");
        var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Warning, null, template,
            [new LogEventProperty("Endpoint", new ScalarValue("10.244.1.17:11111")), new LogEventProperty("Silo", new ScalarValue("10.244.1.17:11111"))]);
        var output = new StringWriter();
        SiloLogging.JsonFormatter().Format(logEvent, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = Assert.Single(lines);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("Silo {Endpoint} up", root.GetProperty("@mt").GetString());
        Assert.Equal("Warning", root.GetProperty("@l").GetString());
        Assert.Equal("10.244.1.17:11111", root.GetProperty("Silo").GetString());
        Assert.StartsWith("1970-01-01T00:00:00", root.GetProperty("@t").GetString());
    }
}
