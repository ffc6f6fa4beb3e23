using System.Net;
using BamOrleans.Grains.Placement;

namespace BamOrleans.Cluster.Tests.Placement;

public sealed class SiloPinnedKeyTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(IPAddress.Parse("10.0.0.5"), 11111, 123456789);

    [Fact]
    public void Compose_writes_the_parsable_silo_then_the_local_key()
    {
        var key = SiloPinnedKey.Compose(Silo, "slot-3");
        Assert.Equal("10.0.0.5:11111@123456789#slot-3", key);
        Assert.Equal(Silo, SiloPinnedKey.SiloOf(key));
        Assert.Equal("slot-3", SiloPinnedKey.LocalKeyOf(key));
    }

    [Fact]
    public void Round_trips_ipv6_silos_and_unusual_local_keys()
    {
        var silo = SiloAddress.New(IPAddress.IPv6Loopback, 30000, 7);
        foreach (var local in new[] { "a", "run-1/slot:2@x", " spaced ", "ünïcode" })
        {
            var key = SiloPinnedKey.Compose(silo, local);
            Assert.Equal(silo, SiloPinnedKey.SiloOf(key));
            Assert.Equal(local, SiloPinnedKey.LocalKeyOf(key));
        }
    }

    [Fact]
    public void Generation_is_part_of_the_key()
    {
        var restarted = SiloAddress.New(Silo.Endpoint, Silo.Generation + 1);
        Assert.NotEqual(SiloPinnedKey.Compose(Silo, "slot-0"), SiloPinnedKey.Compose(restarted, "slot-0"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("slot#0", "contains '#'")]
    public void Compose_refuses_bad_local_keys(string localKey, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => SiloPinnedKey.Compose(Silo, localKey));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Compose_refuses_client_addresses()
    {
        var client = SiloAddress.New(IPAddress.Loopback, 5000, -3);
        Assert.Contains("client address", Assert.Throws<ArgumentException>(() => SiloPinnedKey.Compose(client, "slot-0")).Message);
    }

    [Theory]
    [InlineData("slot-0", "no '#'")]
    [InlineData("10.0.0.5:11111@123456789#", "nothing follows '#'")]
    [InlineData("10.0.0.5:11111@123456789#a#b", "more than one '#'")]
    [InlineData("#slot-0", "'' is not a silo address")]
    [InlineData("10.0.0.5:11111#slot-0", "'10.0.0.5:11111' is not a silo address")]
    [InlineData("S10.0.0.5:11111:123456789#slot-0", "is not a silo address")] // SiloAddress.ToString(), not the parsable form
    public void Keys_off_the_format_are_refused_with_the_expected_format(string grainKey, string problem)
    {
        foreach (var parse in new Func<string, object>[] { SiloPinnedKey.SiloOf, SiloPinnedKey.LocalKeyOf })
        {
            var error = Assert.Throws<ArgumentException>(() => parse(grainKey));
            Assert.Contains($"'{grainKey}' is not a silo-pinned grain key", error.Message);
            Assert.Contains(problem, error.Message);
            Assert.Contains("SiloPinnedKey.Compose", error.Message);
        }
    }
}
