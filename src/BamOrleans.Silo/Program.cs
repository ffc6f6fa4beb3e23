using System.CommandLine;
using BamOrleans.Core.Runtime;
using BamOrleans.Silo;
using BamOrleans.Storage;
using Microsoft.Extensions.Hosting;

// `bam-silo`: parses the command line, then runs one silo until SIGTERM/SIGINT.
// The generic host, not the command-line library, handles termination signals, so a preemption
// notice gets the host's orderly shutdown (leave the cluster) instead of a hard exit.
// The slots run libtorch in this process: its process-wide settings come first.
TorchRuntime.Initialize();
var command = SiloCommand.Create(async options =>
{
    var endpoint = BamSiloHost.DescribeEndpoint(options);
    using var root = SiloLogging.Create(options.LogLevel, options.LogFormat, endpoint, options.Pod?.Name);
    var logger = root.ForContext("SourceContext", "bam-silo");
    try
    {
        if (options.TorchThreads is { } threads) TorchSharp.torch.set_num_threads(threads);
        IBlobStore? store = null;
        if (options.Store is { } storeOptions)
        {
            // Fail at start, naming the wrong setting, rather than at the first checkpoint.
            store = BlobStoreFactory.Create(storeOptions);
            await store.EnsureReady();
            logger.Information("Checkpoints go to {Store}", store.Description);
        }
        using var host = BamSiloHost.Build(options, root, store: store);
        await host.StartAsync();
        // The Redis configuration is shown without its password (DescribeRedis), in either format.
        logger.Information("Silo {Endpoint} up: cluster {ClusterId}, {Clustering} membership{RedisNote}{KubernetesNote}, gateway port {GatewayPort}, process {ProcessId}",
            endpoint, options.ClusterId, options.Clustering,
            options.Clustering == ClusteringMode.Redis
                ? $" at {BamSiloHost.DescribeRedis(options.Redis)}{(options.RedisFromEnvironment ? $" (from ${BamSiloOptions.RedisConnectionVariable})" : "")}"
                : "",
            options.Pod is { } pod ? $", Kubernetes pod {pod.Namespace}/{pod.Name}" : "",
            options.GatewayPort, Environment.ProcessId);
        await host.WaitForShutdownAsync();
        logger.Information("Silo {Endpoint} stopped", endpoint);
        return 0;
    }
    catch (Exception e)
    {
        logger.Fatal(e, "Silo {Endpoint} failed", endpoint);
        return 1;
    }
});
return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
