using BamOrleans.Silo;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>An Orleans client host on the chaos cluster's Redis membership.</summary>
internal static class ChaosClient
{
    /// <summary>Connects through whichever gateways are up, retrying under the deadline (silos may
    /// still be starting).</summary>
    public static async Task<IHost> Connect(string redis, string clusterId, ChaosDeadline deadline, Func<string> logs)
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

    /// <summary>Stops and disposes a client; a failure to stop is logged, not thrown, so the caller
    /// goes on to stop its processes.</summary>
    public static async Task Stop(IHost? client, ILogger log)
    {
        if (client is null) return;
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.StopAsync(stop.Token);
        }
        catch (Exception e)
        {
            log.Warning("Client stop: {Error}", e.Message);
        }
        finally
        {
            client.Dispose();
        }
    }
}
