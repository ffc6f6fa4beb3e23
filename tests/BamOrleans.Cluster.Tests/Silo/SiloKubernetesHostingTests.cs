using System.Net;
using BamOrleans.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Serilog;

namespace BamOrleans.Cluster.Tests.Silo;

/// <summary>
/// What Orleans' Kubernetes hosting and bam-silo's Redis membership configure together, read from
/// a built (never started: that would need an API server) silo host.
/// </summary>
public sealed class SiloKubernetesHostingTests
{
    private static readonly KubernetesPod Pod = new("bam-silo-7d9f-abcde", "bam", IPAddress.Parse("10.244.1.17"), null, null);

    [Fact]
    public void Silo_is_named_after_its_pod_announces_its_ip_and_listens_on_every_interface()
    {
        // Orleans' own Kubernetes options read the process environment; these names are used by no other test.
        var variables = new Dictionary<string, string?>
        {
            [KubernetesPod.PodNameVariable] = Pod.Name,
            [KubernetesPod.PodNamespaceVariable] = Pod.Namespace,
            // Differs from the pod we pass: the announced address must be the one bam-silo validated.
            [KubernetesPod.PodIpVariable] = "10.9.9.9",
            // Differs from the options: bam-silo's resolved ids must be the ones the silo uses.
            [KubernetesPod.ClusterIdVariable] = "from-orleans-env",
        };
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
            var options = new BamSiloOptions
            {
                Clustering = ClusteringMode.Redis,
                Redis = "redis:6379",
                Kubernetes = true,
                Pod = Pod,
                ClusterId = "spot-a",
                SiloPort = 11111,
                GatewayPort = 30000,
            };
            using var host = BamSiloHost.Build(options, new LoggerConfiguration().CreateLogger());
            var services = host.Services;

            var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(Pod.Address, endpoints.AdvertisedIPAddress);
            Assert.Equal((11111, 30000), (endpoints.SiloPort, endpoints.GatewayPort));
            Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);

            Assert.Equal(Pod.Name, services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
            Assert.Equal("spot-a", services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId);
            // Membership is still Redis: Kubernetes hosting brings no membership table of its own.
            Assert.Contains(services.GetServices<Orleans.IMembershipTable>(), t => t.GetType().Name.Contains("Redis", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void Redis_silo_outside_kubernetes_keeps_its_own_address()
    {
        var options = new BamSiloOptions { Clustering = ClusteringMode.Redis, AdvertisedIp = IPAddress.Loopback, SiloPort = 2001, GatewayPort = 2002 };
        using var host = BamSiloHost.Build(options, new LoggerConfiguration().CreateLogger());
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        // No Kubernetes hosting outside --kubernetes: nothing of it post-configures the endpoints.
        Assert.DoesNotContain(host.Services.GetServices<IPostConfigureOptions<EndpointOptions>>(),
            c => c.GetType().Namespace == "Orleans.Hosting.Kubernetes");
    }
}
