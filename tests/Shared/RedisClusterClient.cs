using BamOrleans.Silo;
using Microsoft.Extensions.Hosting;

namespace BamOrleans.Tests.Shared;

/// <summary>An Orleans client host on a test cluster's Redis membership (the multi-process tests, the chaos bench).</summary>
internal static class RedisClusterClient
{
    /// <summary>Connects through whichever gateways are up, retrying under the deadline (silos may
    /// still be starting).</summary>
    public static async Task<IHost> Connect(string redis, string clusterId, Deadline deadline, Func<string> logs)
    {
        IHost? connected = null;
        await deadline.Until("a client to connect through the gateways", async () =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(c =>
            {
                c.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = BamSiloOptions.DefaultServiceId;
                });
                c.UseRedisClustering(redis);
            });
            var host = builder.Build();
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await host.StartAsync(attempt.Token);
                connected = host;
                return true;
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }, logs, TimeSpan.FromSeconds(1), attemptLimit: TimeSpan.FromSeconds(20));
        return connected!;
    }

    /// <summary>Stops and disposes a client; a failure to stop is reported, not thrown, so the
    /// caller goes on to stop its processes.</summary>
    public static async Task Stop(IHost? client, Action<string> report)
    {
        if (client is null) return;
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.StopAsync(stop.Token);
        }
        catch (Exception e)
        {
            report($"client stop: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            client.Dispose();
        }
    }
}
