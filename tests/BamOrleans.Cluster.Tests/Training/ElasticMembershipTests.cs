using System.Diagnostics;
using BamOrleans.Client;
using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Silo;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Xunit.Abstractions;

using static BamOrleans.Cluster.Tests.Training.CheckpointedRuns;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>
/// DESIGN §5 on in-process silos: a silo told to go (a graceful stop, what SIGTERM does) hands
/// its slots over at a checkpointed step boundary and the run goes on with the others, losing no
/// step; a silo lost without notice is dropped once membership declares it dead and the survivors
/// redo only the step in flight; a new silo joins at a step boundary from that boundary's
/// checkpoint. Each time every step is applied once by every replica of its generation and every
/// sample of an epoch is consumed once. (The multi-process chaos test does the same with real
/// kill -9 and SIGTERM.)
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class ElasticMembershipTests(InProcessCluster shared, ITestOutputHelper output)
{
    private const int StepsPerEpoch = CheckpointedRuns.StepsPerEpoch;

    [Fact]
    public async Task A_silo_told_to_go_leaves_at_a_checkpointed_boundary_and_the_run_finishes_on_the_other_losing_no_step()
    {
        // Long enough that the drain, which starts at once, begins well before the end.
        const int steps = 4 * StepsPerEpoch;
        await WithCluster(async (cluster, store) =>
        {
            var run = new ClusterRun(cluster.Client, $"drain-{Guid.NewGuid():N}", shared.Log);
            await run.Launch(Definition(steps), SyntheticDatasets.Count, slotsPerSilo: 1);
            await Until(async () => (await run.Status()).CompletedSteps >= 3);

            await cluster.StopSilo(1);
            Assert.Equal(steps, await run.WaitUntilDone(steps, budget: null, cancellation: Deadline()));
            var survivor = (await run.Status()).Slots.Keys.Single();

            var history = await cluster.Client.GetGrain<IWorkerSlotGrain>(survivor).GetHistory(0);
            AssertEveryStepOnceAndEveryEpochSampleOnce(history, steps);
            var departure = history.First(r => r.SlotCount == 1).Step;
            Assert.True(departure >= 3, $"the other silo left at step {departure}, after 3 were done");
            Assert.All(history.Where(r => r.Step < departure), r => Assert.Equal(2, r.SlotCount));
            Assert.All(history.Where(r => r.Step >= departure), r => Assert.Equal(1, r.SlotCount));
            Assert.True(history.First(r => r.Step == departure).Generation > history.First(r => r.Step == departure - 1).Generation);
            Assert.Contains(departure, await RunCheckpoints.Reader(store, run.RunId, shared.Log).ListCommitted());
            output.WriteLine($"silo 1 left at the checkpointed boundary before step {departure}; {steps} steps each applied once");
        });
    }

    [Fact]
    public async Task A_silo_lost_without_notice_is_dropped_and_a_new_silo_joins_at_a_boundary_from_its_checkpoint()
    {
        // Long enough that the run is still going when the test holds it for the new silo.
        const int steps = 5 * StepsPerEpoch;
        await WithCluster(async (cluster, store) =>
        {
            var run = new ClusterRun(cluster.Client, $"lose-join-{Guid.NewGuid():N}", shared.Log);
            await run.Launch(Definition(steps), SyntheticDatasets.Count, slotsPerSilo: 1);
            await Until(async () => (await run.Status()).CompletedSteps >= 3);

            var clock = Stopwatch.StartNew();
            await cluster.KillSilo(1);
            var doneAtKill = (await run.Status()).CompletedSteps;
            await Until(async () => await run.Status() is { Slots.Count: 1 } s && s.CompletedSteps > doneAtKill);
            var survivor = (await run.Status()).Slots.Keys.Single();
            output.WriteLine($"killed silo 1 after {doneAtKill} steps; next step completed {clock.Elapsed.TotalSeconds:F1} s later by the survivor");

            // Held at a boundary while the new silo starts (seconds), so the run cannot end first;
            // once it runs again the new silo is admitted at its next boundary.
            var heldAt = (await run.Status()).CompletedSteps + 1;
            await run.StopAt(heldAt);
            Assert.Equal(heldAt, await run.WaitUntilPaused(Deadline()));
            await cluster.AddSilo();
            await Until(async () => (await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2);
            await cluster.Client.GetGrain<IRunGrain>(run.RunId).Start();
            await Until(async () => (await run.Status()).Slots.Count == 2);
            Assert.Equal(steps, await run.WaitUntilDone(steps, budget: null, cancellation: Deadline()));

            var history = await cluster.Client.GetGrain<IWorkerSlotGrain>(survivor).GetHistory(0);
            AssertEveryStepOnceAndEveryEpochSampleOnce(history, steps);
            var status = await run.Status();
            var newcomer = status.Slots.Keys.Single(k => k != survivor);
            var joined = await cluster.Client.GetGrain<IWorkerSlotGrain>(newcomer).GetHistory(0);
            var joinStep = joined[0].Step;
            Assert.Equal(Enumerable.Range((int)joinStep, steps - (int)joinStep).Select(s => (long)s), joined.Select(r => r.Step));
            // Both replicas saw the same steps with the same samples, and ended equal.
            foreach (var record in joined)
                Assert.Equal(history.Single(r => r.Step == record.Step).StepSamples, record.StepSamples);
            await SingleProcessReference.AssertReplicasIdentical(run, steps);
            Assert.Contains(joinStep, await RunCheckpoints.Reader(store, run.RunId, shared.Log).ListCommitted());
            output.WriteLine($"a new silo joined at the checkpointed boundary before step {joinStep}; replicas identical after {steps} steps");
        });
    }

    /// <summary>Steps 0..n−1 each once, in order, and in each epoch every sample exactly once.</summary>
    private static void AssertEveryStepOnceAndEveryEpochSampleOnce(IReadOnlyList<SlotStepRecord> history, int steps)
    {
        Assert.Equal(Enumerable.Range(0, steps).Select(s => (long)s), history.Select(r => r.Step));
        foreach (var epoch in history.GroupBy(r => r.Epoch))
        {
            var samples = epoch.SelectMany(r => r.StepSamples).ToList();
            Assert.Equal(StepsPerEpoch * 12, samples.Count);
            Assert.Equal(Enumerable.Range(0, SyntheticDatasets.Count), samples.Order());
        }
    }

    private async Task WithCluster(Func<LocalCluster, IBlobStore, Task> body)
    {
        var folder = Directory.CreateTempSubdirectory("bam-elastic-").FullName;
        try
        {
            var store = new LocalFolderBlobStore(folder);
            await using var cluster = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store);
            await body(cluster, store);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
