using System.Diagnostics;
using BamOrleans.Client;
using BamOrleans.Cluster.Tests.Training;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;
using BamOrleans.Storage;
using BamOrleans.Tests.Shared;
using BamOrleans.Worker.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cluster.Tests.MultiProcess;

/// <summary>
/// DESIGN §4's "all lost": two `bam-silo` processes train a run that checkpoints to a folder,
/// both are killed with SIGKILL mid-run, two new processes start on the same redis-server and
/// store, and — with no command from anyone — the run resumes from its latest checkpoint and
/// finishes with the same parameters, bit for bit, as a run trained straight on the same cluster.
/// Every process it starts is killed by its own id at the end, pass or fail.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ResumeAfterKillTests(ITestOutputHelper output)
{
    private const int SiloCount = 2;
    private const int Steps = 16;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(150);

    /// <remarks>With PIRL the killed silos also held the memory bank (in grains on the leader):
    /// it comes back from the checkpoint, or the resumed run would read other rows and diverge.</remarks>
    [Theory]
    [InlineData("bam")]
    [InlineData("pirl")]
    public async Task Silos_killed_mid_run_and_started_again_resume_the_run_by_themselves_and_end_bit_identical_to_a_straight_run(string method)
    {
        using var data = new TinyFashionMnist(trainCount: 96, testCount: 10);
        var store = Directory.CreateTempSubdirectory("bam-kill-resume-").FullName;
        var deadline = new Deadline(Budget);
        var started = new List<ChildProcess>();
        var clusterId = $"kr-{Guid.NewGuid():N}"; // on every silo's command line
        RedisServer? redis = null;
        string? redisDirectory = null;
        IHost? client = null;
        var passed = false;
        using var log = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
        try
        {
            redis = await RedisServer.Start(deadline.Remaining, deadline.Token());
            redisDirectory = redis.DataDirectory;
            started.Add(redis.Process);
            var ports = LoopbackPorts.Take(2 * SiloCount);
            string Logs() => string.Join('\n', started.Select(p => p.Tail()));
            List<ChildProcess> StartSilos(string generation)
            {
                // The same ports as before: a silo restarted in place declares its killed predecessor
                // dead at once, as a node replaced under the same address would.
                var silos = Enumerable.Range(0, SiloCount).Select(i => SiloProcess.StartRedisSilo($"{generation}-silo{i}",
                    redis.Configuration, clusterId, ports[2 * i], ports[2 * i + 1], threads: 1, storeFolder: store)).ToList();
                started.AddRange(silos);
                return silos;
            }

            var definition = Definition(data.Directory, method);
            var runId = $"kill-{Guid.NewGuid():N}";
            var first = StartSilos("first");
            client = await RedisClusterClient.Connect(redis.Configuration, clusterId, deadline, Logs);
            var run = new ClusterRun(client.Services.GetRequiredService<IClusterClient>(), runId, log);
            await deadline.Until($"{SiloCount} active silos", async () =>
                (await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == SiloCount, Logs);
            await run.Launch(definition, datasetSize: 96, slotsPerSilo: 1);
            long doneAtKill = 0;
            await deadline.Until("the run to pass its third checkpoint", async () => (doneAtKill = (await run.Status()).CompletedSteps) >= 6, Logs, TimeSpan.FromMilliseconds(20));

            // Every node lost at once: SIGKILL, no drain, no flush.
            foreach (var silo in first) silo.Kill();
            foreach (var silo in first) Assert.True(silo.KillAndWait(TimeSpan.FromSeconds(10)), $"{silo.Name} did not die");
            await RedisClusterClient.Stop(client, output.WriteLine);
            client = null;
            output.WriteLine($"killed both silos after {doneAtKill}+ steps");

            var restartedAt = Stopwatch.StartNew();
            StartSilos("second");
            client = await RedisClusterClient.Connect(redis.Configuration, clusterId, deadline, Logs);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            run = new ClusterRun(grains, runId, log);
            RunStatusSnapshot status = null!;
            await deadline.Until("the run to resume by itself", async () => (status = await run.Attach()) is
                { Status: RunStatus.Running or RunStatus.Completed, Slots.Count: SiloCount }, () => $"{status}\n{Logs()}");
            long resumedAt = -1;
            await deadline.Until("the first resumed step", async () => (await run.History(0)) is { Count: > 0 } h && (resumedAt = h[0].Step) >= 0,
                Logs, TimeSpan.FromMilliseconds(20));
            var firstStep = restartedAt.Elapsed;
            Assert.Equal(Steps, await run.WaitUntilDone(Steps, budget: null, cancellation: deadline.Token()));
            Assert.True(resumedAt % 2 == 0 && resumedAt >= doneAtKill - 2 && resumedAt < Steps, $"resumed at {resumedAt}, killed after {doneAtKill}");
            await SingleProcessReference.AssertReplicasIdentical(run, Steps);
            var resumed = await run.ExportModel();

            // The same definition trained straight on the same two processes.
            var straight = new ClusterRun(grains, $"straight-{Guid.NewGuid():N}", log);
            await straight.Launch(definition, datasetSize: 96, slotsPerSilo: 1);
            Assert.Equal(Steps, await straight.WaitUntilDone(Steps, budget: null, cancellation: deadline.Token()));
            var reference = await straight.ExportModel();
            foreach (var (name, block) in reference.Tensors)
                Assert.True(block.Data.AsSpan().SequenceEqual(resumed.Tensors[name].Data), $"{name} differs after the kill and resume");
            output.WriteLine($"killed after {doneAtKill} steps; resumed by itself at step {resumedAt}; first resumed step done {firstStep.TotalSeconds:F1} s " +
                             $"after the new silo processes were started; {reference.Tensors.Count} tensors bit-identical to a straight run");
            passed = true;
        }
        finally
        {
            // Stop everything first, assert after: one failure must not leave the other processes running.
            await RedisClusterClient.Stop(client, output.WriteLine);
            var leftBehind = started.Where(p => !p.KillAndWait(TimeSpan.FromSeconds(10))).Select(p => $"{p.Name} (pid {p.Id})").ToList();
            foreach (var process in started) output.WriteLine(process.Tail(passed ? 5 : 60));
            redis?.Dispose();
            Directory.Delete(store, recursive: true);
            Assert.True(leftBehind.Count == 0, $"still running after SIGKILL: {string.Join(", ", leftBehind)}");
            foreach (var process in started) process.Dispose();
            Assert.Empty(ChildProcess.RunningWithCommandLine(clusterId));
            if (redisDirectory is not null) Assert.Empty(ChildProcess.RunningWithCommandLine(redisDirectory));
        }
    }

    private static RunDefinition Definition(string dataDirectory, string method)
    {
        var config = ClusterEquivalenceTests.Config(localViews: 2, topK: 0, ema: true, NormKind.Group, side: 28) with
        {
            Steps = Steps,
            Method = method,
            Pirl = new PirlOptions { Negatives = 16 },
        };
        var normalizer = PixelNormalizer.FashionMnist;
        return new RunDefinition(config, new DatasetSpec(LocalDatasetProvider.FashionMnistKind, dataDirectory, 28),
            normalizer.Mean, normalizer.Std, DataShards: 4)
        {
            CheckpointEverySteps = 2,
            KeepCheckpoints = 2,
        };
    }
}
