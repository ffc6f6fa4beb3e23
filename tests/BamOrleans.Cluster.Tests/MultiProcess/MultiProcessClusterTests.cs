using System.Diagnostics;
using BamOrleans.Client;
using BamOrleans.Cluster.Tests.Training;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Data.Idx;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;
using BamOrleans.Silo;
using BamOrleans.Silo.Processes;
using BamOrleans.Tests.Shared;
using BamOrleans.Worker.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cluster.Tests.MultiProcess;

/// <summary>
/// Three real `bam-silo` processes meeting through a redis-server this test starts, a client
/// calling the run grain through them, a short BAM run trained by one worker slot in each process
/// (checked against the single-process trainer), and a silo killed outright to watch the tuned
/// failure detection. Every process it starts is killed by its id at the end, pass or fail.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessClusterTests(ITestOutputHelper output)
{
    private const int SiloCount = 3;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_silo_processes_on_redis_membership_train_together_agree_and_detect_a_killed_silo()
    {
        using var data = new TinyFashionMnist(trainCount: 96, testCount: 10);
        var deadline = new Deadline(Budget);
        var started = new List<ChildProcess>();
        RedisServer? redis = null;
        IHost? client = null;
        var clock = Stopwatch.StartNew();
        var passed = false;
        var clusterId = $"mp-{Guid.NewGuid():N}"; // on every silo's command line
        string? redisDirectory = null;            // on redis-server's command line
        try
        {
            redis = await RedisServer.Start(deadline.Remaining, deadline.Token());
            redisDirectory = redis.DataDirectory;
            started.Add(redis.Process);
            var ports = LoopbackPorts.Take(2 * SiloCount);
            var silos = Enumerable.Range(0, SiloCount)
                .Select(i => SiloProcess.StartRedisSilo($"silo{i}", redis.Configuration, clusterId, ports[2 * i], ports[2 * i + 1]))
                .ToList();
            started.AddRange(silos);
            string Logs() => string.Join('\n', started.Select(p => p.Tail()));

            await deadline.Until("every silo to report it is up", () => Task.FromResult(silos.All(s => s.Printed(" up: cluster "))), Logs);
            output.WriteLine($"silos up after {clock.Elapsed.TotalSeconds:F1} s");

            client = await RedisClusterClient.Connect(redis.Configuration, clusterId, deadline, Logs);
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

            // Membership: the table holds the three, and each silo's own view has all three.
            SiloAddress[] addresses = [];
            await deadline.Until($"{SiloCount} active silos in the membership table", async () =>
            {
                addresses = (await management.GetHosts(onlyActive: true)).Keys.OrderBy(a => a.Endpoint.Port).ToArray();
                return addresses.Length == SiloCount;
            }, () => $"{addresses.Length} active\n{Logs()}");
            Assert.Equal(ports.Where((_, i) => i % 2 == 0).Order(), addresses.Select(a => a.Endpoint.Port));
            await deadline.Until("each silo to see all three", () => Task.FromResult(
                silos.All(s => s.Printed($": {SiloCount} active silos"))), Logs);
            output.WriteLine($"membership converged after {clock.Elapsed.TotalSeconds:F1} s");

            await ExerciseRunGrain(client.Services.GetRequiredService<IClusterClient>(), addresses);
            await TrainOneSlotPerProcess(client.Services.GetRequiredService<IClusterClient>(), data.Directory, addresses, deadline);
            output.WriteLine($"trained together after {clock.Elapsed.TotalSeconds:F1} s");

            // A spot eviction: kill -9 one silo, then wait for the others to declare it dead.
            var victim = silos[2];
            var victimAddress = addresses.Single(a => a.Endpoint.Port == ports[4]);
            var killedAt = clock.Elapsed;
            victim.Kill();
            await deadline.Until("the killed silo to be declared dead", async () =>
            {
                var hosts = await management.GetHosts(onlyActive: false);
                return hosts.TryGetValue(victimAddress, out var status) && status == SiloStatus.Dead;
            }, Logs);
            var detection = clock.Elapsed - killedAt;
            await deadline.Until("both survivors to see two active silos", () => Task.FromResult(
                silos.Take(2).All(s => s.Printed(": 2 active silos", ", 1 dead"))), Logs);
            output.WriteLine($"killed silo declared dead after {detection.TotalSeconds:F1} s");
            passed = true;
        }
        finally
        {
            // Stop everything first, assert after: one failure must not leave the other processes running.
            await RedisClusterClient.Stop(client, output.WriteLine);
            var leftBehind = started.Where(p => !p.KillAndWait(TimeSpan.FromSeconds(10))).Select(p => $"{p.Name} (pid {p.Id})").ToList();
            foreach (var process in started) output.WriteLine(process.Tail(passed ? 8 : 60));
            redis?.Dispose();
            output.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s; {started.Count} processes started, {started.Count - leftBehind.Count} stopped");
            Assert.True(leftBehind.Count == 0, $"still running after SIGKILL: {string.Join(", ", leftBehind)}");
            Assert.All(started, p => Assert.True(p.HasExited, $"{p.Name} (pid {p.Id}) left behind"));
            foreach (var process in started) process.Dispose();
            Assert.Empty(ChildProcess.RunningWithCommandLine(clusterId));
            if (redisDirectory is not null) Assert.Empty(ChildProcess.RunningWithCommandLine(redisDirectory));
        }
    }

    /// <summary>
    /// A three-step run with one worker slot in each silo process: the slots' models live in
    /// three processes and meet only through the grains (data pool, aggregator on the leader,
    /// gradient shards, run barrier). The replicas must end bit-identical and equal to the
    /// single-process trainer on the same samples.
    /// </summary>
    private async Task TrainOneSlotPerProcess(IClusterClient client, string dataDirectory, SiloAddress[] silos, Deadline deadline)
    {
        var config = ClusterEquivalenceTests.Config(localViews: 2, topK: 0, ema: false, NormKind.Group, side: 28);
        var normalizer = PixelNormalizer.FashionMnist;
        var definition = new RunDefinition(config, new DatasetSpec(LocalDatasetProvider.FashionMnistKind, dataDirectory, 28),
            normalizer.Mean, normalizer.Std, DataShards: 3);
        using var log = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
        var run = new ClusterRun(client, $"mp-train-{Guid.NewGuid():N}", log);
        await run.Launch(definition, datasetSize: 96, slotsPerSilo: 1);
        Assert.Equal(config.Steps, await run.WaitUntilDone(config.Steps, budget: null, cancellation: deadline.Token()));

        var reports = await run.Reports();
        Assert.Equal(silos.Order(), reports.Select(r => r.Silo).Order());
        await SingleProcessReference.AssertReplicasIdentical(run, config.Steps);
        var train = FashionMnist.Load(dataDirectory, FashionMnistSplit.Train);
        var result = await SingleProcessReference.Replay(run, config, train, normalizer, log);
        output.WriteLine($"three processes vs single process: loss {result.MaxRelativeLossDifference:g3} (relative), parameters {result.MaxParameterDifference:g3}");
        Assert.True(result.MaxRelativeLossDifference <= SingleProcessReference.LossTolerance);
        Assert.True(result.MaxParameterDifference <= SingleProcessReference.ParameterTolerance(config));
    }

    /// <summary>The run grain through a real client: one slot per silo process, a full step, a stale generation refused.</summary>
    private static async Task ExerciseRunGrain(IClusterClient client, SiloAddress[] silos)
    {
        var run = client.GetGrain<IRunGrain>($"mp-run-{Guid.NewGuid():N}");
        await run.Create(new RunSettings("yaml", "steps: 1\n"));
        for (var i = 0; i < silos.Length; i++) await run.RegisterSlot($"slot-{i}", silos[i]);
        var stamp = (await run.Start()).Current;

        var wait = run.WaitForStep(stamp, TimeSpan.FromSeconds(10));
        for (var i = 0; i < silos.Length; i++)
            Assert.True((await run.SubmitStepResult(stamp, $"slot-{i}", StepPayload.FromFloats([i, 0.5f * i]))).Accepted);
        var done = await wait;
        Assert.Equal(StepWaitStatus.Completed, done.Status);
        Assert.Equal([0f, 0f, 1f, 0.5f, 2f, 1f], done.Result!.Contributions.SelectMany(c => c.Payload.Floats));

        await run.UnregisterSlot("slot-2");
        var refused = await run.SubmitStepResult(stamp with { Step = 1 }, "slot-2", StepPayload.FromFloats([9]));
        Assert.Equal(RefusalReason.StaleGeneration, refused.Refusal);
        var status = await run.GetStatus();
        Assert.Equal(1, status.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(1, status.CompletedSteps);
        Assert.Equal(stamp, (await run.GetStepResult(0))!.Stamp);
    }
}

/// <summary>
/// Runs alone, after the parallel collections: four extra processes on a small machine should not
/// compete with the in-process silos, whose tuned failure detection is sensitive to starvation.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    public const string Name = "multi-process cluster";
}
