using BamOrleans.Tests.Shared;
using BamOrleans.Tests.Shared.Chaos;
using Serilog;
using Serilog.Events;

namespace BamOrleans.Bench;

/// <summary>
/// Issue 5's figures: the chaos test's setup (real bam-silo processes on redis-server membership,
/// a folder store, the tiny Fashion-MNIST run) under a long seeded preemption trace, then the same
/// run on a fresh cluster with no fault. Reports the seconds from a loss to the next completed step
/// by kind of loss, the steps recomputed per loss, and goodput: useful images per second with the
/// trace over those without. The ledger checks of the test are run too, and their findings printed.
/// Every process started is killed by its own id at the end.
/// </summary>
internal static class ChaosBenchmark
{
    /// <summary>Far above what the default trace needs (a few minutes), far below a hang.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(40);

    public static int Run(ChaosBenchArguments args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(ChaosBenchArguments args)
    {
        using var log = new LoggerConfiguration().MinimumLevel.Information()
            .MinimumLevel.Override("BamOrleans.Client", LogEventLevel.Warning)
            .WriteTo.Sink(new LineSink(Console.WriteLine)).CreateLogger();
        using var data = new TinyFashionMnist(trainCount: ChaosRunDefinition.DatasetSize, testCount: 10);
        var trace = PreemptionTrace.Long(args.Seed, args.Events, args.Silos);
        if (trace.MinimumSteps >= args.Steps)
            throw new ArgumentException($"--steps {args.Steps}: the trace needs at least {trace.MinimumSteps} steps to fire all its events; raise --steps or lower --events");
        var definition = ChaosRunDefinition.For(data.Directory, args.Steps);
        var deadline = new Deadline(Budget);
        Console.WriteLine($"chaos: {args.Steps} steps of {ChaosRunDefinition.GlobalBatch} images on {args.Silos} bam-silo processes (1 libtorch thread each, " +
                          $"{Environment.ProcessorCount} cores), checkpoint every {ChaosRunDefinition.CheckpointEvery} steps; trace {trace}");

        var chaos = await OnFreshCluster(args.Silos, deadline, log, driver => driver.Run(definition, trace, $"chaos-{Guid.NewGuid():N}"));
        var faultFree = await OnFreshCluster(args.Silos, deadline, log, driver => driver.RunFaultFree(definition, $"fault-free-{Guid.NewGuid():N}"));
        var report = ChaosReport.Of(args, chaos, faultFree);
        ChaosReport.Print(report, chaos);
        BenchJson.Write(args.Out, report.Json(chaos));
        return report.LedgerProblems.Count == 0 && report.Problems.Count == 0 && report.Loss.WithinBand ? 0 : 1;
    }

    /// <summary>Starts a cluster, runs <paramref name="work"/> on it, stops every process by id
    /// (also on failure, after printing the processes' last lines).</summary>
    private static async Task<T> OnFreshCluster<T>(int silos, Deadline deadline, ILogger log, Func<ChaosDriver, Task<T>> work)
    {
        ChaosCluster? cluster = null;
        var passed = false;
        try
        {
            cluster = await ChaosCluster.Start(silos, deadline, log);
            var result = await work(new ChaosDriver(cluster, deadline, log));
            passed = true;
            return result;
        }
        finally
        {
            if (cluster is not null)
            {
                if (!passed) Console.Error.WriteLine(cluster.Logs(80));
                foreach (var problem in await cluster.StopEverything()) Console.Error.WriteLine($"left behind: {problem}");
            }
        }
    }
}
