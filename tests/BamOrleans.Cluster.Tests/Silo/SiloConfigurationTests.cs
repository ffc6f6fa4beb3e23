using System.Net;
using BamOrleans.Silo;
using Orleans.Configuration;

namespace BamOrleans.Cluster.Tests.Silo;

public sealed class SiloConfigurationTests
{
    private static BamSiloOptions? Parse(params string[] args)
    {
        BamSiloOptions? parsed = null;
        var exit = SiloCommand.Create(o => { parsed = o; return Task.FromResult(0); }).Parse(args).Invoke();
        return exit == 0 ? parsed : null;
    }

    [Fact]
    public void Command_line_gives_redis_options()
    {
        var options = Parse("--clustering", "redis", "--redis", "127.0.0.1:7000", "--silo-port", "2001",
            "--gateway-port", "2002", "--cluster-id", "c1", "--advertise-ip", "127.0.0.1");
        Assert.NotNull(options);
        Assert.Equal(ClusteringMode.Redis, options.Clustering);
        Assert.Equal("127.0.0.1:7000", options.Redis);
        Assert.Equal((2001, 2002), (options.SiloPort, options.GatewayPort));
        Assert.Equal("c1", options.ClusterId);
        Assert.Equal(IPAddress.Loopback, options.AdvertisedIp);
        Assert.Equal(BamSiloOptions.DefaultServiceId, options.ServiceId);
    }

    [Fact]
    public void Defaults_are_a_localhost_silo() => Assert.Equal(new BamSiloOptions(), Parse());

    [Theory]
    [InlineData("--clustering", "zookeeper")]
    [InlineData("--silo-port", "7", "--gateway-port", "7")]
    [InlineData("--silo-port", "70000")]
    [InlineData("--advertise-ip", "127.0.0.1")] // localhost clustering always uses loopback
    [InlineData("--clustering", "redis", "--primary-silo-port", "11111")]
    [InlineData("--advertise-ip", "not-an-ip", "--clustering", "redis")]
    public void Inconsistent_command_lines_are_refused(params string[] args) => Assert.Null(Parse(args));

    [Fact]
    public void Redis_password_is_never_shown() =>
        Assert.DoesNotContain("hunter2", BamSiloHost.DescribeRedis("127.0.0.1:6379,password=hunter2"));

    [Fact]
    public void Membership_tuning_is_faster_than_the_defaults_and_respects_orleans_constraints()
    {
        var defaults = new ClusterMembershipOptions();
        var tuned = new ClusterMembershipOptions();
        TrainingClusterMembership.Apply(tuned);

        // The bound on detection time (misses x the longest probe period) shrinks.
        Assert.True(tuned.MaxProbeTimeout * tuned.NumMissedProbesLimit < defaults.MaxProbeTimeout * defaults.NumMissedProbesLimit);
        Assert.True(tuned.MinProbeTimeout < defaults.MinProbeTimeout);
        Assert.True(tuned.TableRefreshTimeout < defaults.TableRefreshTimeout);
        // Constraints Orleans validates at start.
        Assert.InRange(tuned.ProbeTimeout, tuned.MinProbeTimeout, tuned.MaxProbeTimeout);
        Assert.InRange(tuned.NumVotesForDeathDeclaration, 1, tuned.NumProbedSilos);
        Assert.True(tuned.LivenessEnabled);
        Assert.True(tuned.DeathVoteExpirationTimeout > tuned.MaxProbeTimeout * tuned.NumMissedProbesLimit);
    }
}
