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
/// What an operator does to a run, on in-process silos with a folder store: pause and resume it,
/// cancel it, resume one whose cluster stopped while it was paused; and the run's timeline, which
/// records each of these with its step.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class RunControlTests(InProcessCluster shared, ITestOutputHelper output)
{
    private const int StepsPerEpoch = CheckpointedRuns.StepsPerEpoch;

    [Fact]
    public async Task A_paused_run_continues_when_resumed_and_its_timeline_records_launch_pause_continue_and_completion()
    {
        const int steps = 2 * StepsPerEpoch;
        await WithStore(async store =>
        {
            await using var cluster = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store);
            var run = new ClusterRun(cluster.Client, $"pause-{Guid.NewGuid():N}", shared.Log);
            await run.Launch(Definition(steps), SyntheticDatasets.Count, slotsPerSilo: 1);
            await Until(async () => (await run.Status()).CompletedSteps >= 2);

            await run.Pause();
            var pausedAt = await run.WaitUntilPaused(Deadline());
            await Task.Delay(300);
            Assert.Equal(pausedAt, (await run.Status()).CompletedSteps); // nothing trains while paused
            Assert.Equal(RunStatus.Running, (await run.Resume()).Status);
            Assert.Equal(steps, await run.WaitUntilDone(steps, budget: null, cancellation: Deadline()));

            var events = await run.Events();
            Assert.Equal([RunEventKind.Launched, RunEventKind.Paused, RunEventKind.Continued, RunEventKind.Completed], events.Select(e => e.Kind));
            Assert.Equal(0, events[0].Step);
            Assert.InRange(events[1].Step, pausedAt - 1, pausedAt); // asked while the step before the boundary was open
            Assert.Equal(pausedAt, events[2].Step);
            Assert.Equal(steps, events[3].Step);
            Assert.True(events.Zip(events.Skip(1)).All(p => p.First.At <= p.Second.At));
            var status = await run.Status();
            Assert.Equal(steps, status.PlannedSteps);
            Assert.Equal(0, status.FailuresSurvived);
            await SingleProcessReference.AssertReplicasIdentical(run, steps);
            output.WriteLine($"paused at step {pausedAt}, resumed, completed {steps}; timeline {string.Join(" → ", events.Select(e => e.Kind))}");
        });
    }

    [Fact]
    public async Task A_cancelled_run_stops_its_slots_keeps_its_checkpoints_and_cannot_be_launched_again()
    {
        const int steps = 20 * StepsPerEpoch; // far more than the test lets it train
        await WithStore(async store =>
        {
            await using var cluster = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store);
            var run = new ClusterRun(cluster.Client, $"cancel-{Guid.NewGuid():N}", shared.Log);
            var definition = Definition(steps);
            await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
            await Until(async () => (await RunCheckpoints.Reader(store, run.RunId, shared.Log).ListCommitted()).Count > 0);

            var cancelled = await run.Cancel("operator: wrong learning rate");
            Assert.Equal(RunStatus.Cancelled, cancelled.Status);
            await Until(async () => (await run.Reports()).All(r => r.State == SlotState.Finished));
            // The silos were started without --device: their real slots report the CPU.
            Assert.All(await run.Reports(), r => Assert.Equal("cpu", r.Device));
            var stoppedAt = (await run.Status()).CompletedSteps;
            await Task.Delay(500);
            Assert.Equal(stoppedAt, (await run.Status()).CompletedSteps);
            Assert.True(stoppedAt < steps);

            var events = await run.Events();
            Assert.Equal(RunEventKind.Cancelled, events[^1].Kind);
            Assert.Equal("operator: wrong learning rate", events[^1].Detail);
            Assert.NotEmpty(await RunCheckpoints.Reader(store, run.RunId, shared.Log).ListCommitted());
            var again = await Assert.ThrowsAsync<InvalidOperationException>(() => run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1));
            Assert.Contains("Cancelled", again.Message);
            await Assert.ThrowsAsync<InvalidOperationException>(() => run.Resume());
            output.WriteLine($"cancelled after {stoppedAt} steps: {again.Message}");
        });
    }

    [Fact]
    public async Task A_run_paused_when_its_cluster_stopped_stays_paused_on_a_new_cluster_until_resumed_then_goes_on_from_its_checkpoint()
    {
        const int steps = 2 * StepsPerEpoch;
        await WithStore(async store =>
        {
            var runId = $"paused-restart-{Guid.NewGuid():N}";
            long pausedAt;
            await using (var first = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store))
            {
                var run = new ClusterRun(first.Client, runId, shared.Log);
                await run.Launch(Definition(steps), SyntheticDatasets.Count, slotsPerSilo: 1);
                await Until(async () => (await run.Status()).CompletedSteps >= 3);
                await run.Pause();
                pausedAt = await run.WaitUntilPaused(Deadline());
                // Slot 0 checkpoints the boundary a run pauses at.
                await Until(async () => (await RunCheckpoints.Reader(store, runId, shared.Log).ListCommitted()).Contains(pausedAt));
            }

            await using var second = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store);
            var resumed = new ClusterRun(second.Client, runId, shared.Log);
            // Longer than the leader's recovery poll: a paused run is not resumed by the silos.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var waiting = await resumed.Status();
            Assert.Equal(RunStatus.Paused, waiting.Status);
            Assert.Empty(waiting.Slots);

            var status = await resumed.Resume();
            Assert.Equal(RunStatus.Running, status.Status);
            Assert.Equal(pausedAt, status.Current.Step);
            Assert.Equal(steps, await resumed.WaitUntilDone(steps, budget: null, cancellation: Deadline()));

            var history = await resumed.History(0);
            Assert.Equal(pausedAt, history[0].Step);
            var kinds = (await resumed.Events()).Select(e => e.Kind).ToList();
            Assert.Equal([RunEventKind.Launched, RunEventKind.Paused, RunEventKind.ResumedFromCheckpoint, RunEventKind.Completed], kinds);
            await SingleProcessReference.AssertReplicasIdentical(resumed, steps);
            output.WriteLine($"paused at {pausedAt}, cluster stopped; a new cluster left it paused, resumed it from the checkpoint at {pausedAt} on request");
        });
    }

    private static async Task WithStore(Func<IBlobStore, Task> body)
    {
        var folder = Directory.CreateTempSubdirectory("bam-control-").FullName;
        try
        {
            await body(new LocalFolderBlobStore(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
