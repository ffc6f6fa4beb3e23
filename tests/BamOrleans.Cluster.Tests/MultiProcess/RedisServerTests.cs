using BamOrleans.Silo.Processes;

namespace BamOrleans.Cluster.Tests.MultiProcess;

public sealed class RedisServerTests
{
    [Fact]
    public void A_missing_redis_server_fails_with_the_install_step()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RedisServer.Require(null));
        Assert.Contains("apt-get install redis-server", error.Message);
        Assert.Contains("ensure_redis_server", error.Message);
    }
}
