using BamOrleans.Client;
using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Silo;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Xunit.Abstractions;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>
/// DESIGN §4's exactness: k steps, every silo stopped, a new cluster resumed from the checkpoint
/// in blob storage, then to N — the same parameters, buffers included, bit for bit, as N steps
/// straight, and every step drew the same samples (so each epoch still sees every sample once).
/// </summary>
/// <remarks>Runs in the in-process collection only to take turns on the cores; it starts its own
/// clusters, because stopping every silo is the point.</remarks>
[Collection(InProcessClusterCollection.Name)]
public sealed class ExactResumeTests(InProcessCluster shared, ITestOutputHelper output)
{
    private const int Steps = 12;      // 8 steps an epoch (96 images, 12 per step): crosses into epoch 1
    private const int StopBefore = 6;  // the checkpoint after step 5

    /// <remarks>PIRL adds its memory bank to the state: it lives in grains on the leader, is
    /// checkpointed with the run and restored into the new cluster's pool, and the resumed run must
    /// read exactly the rows (and negatives) the straight one read.</remarks>
    [Theory]
    [InlineData("bam")]
    [InlineData("pirl")]
    public async Task Stopping_every_silo_after_k_steps_and_resuming_from_the_checkpoint_equals_training_straight_through(string method)
    {
        var folder = Directory.CreateTempSubdirectory("bam-resume-").FullName;
        try
        {
            var store = new LocalFolderBlobStore(folder);
            var config = ClusterEquivalenceTests.Config(localViews: 2, topK: 0, ema: true, NormKind.Batch) with
            {
                Steps = Steps,
                Method = method,
                Pirl = new PirlOptions { Negatives = 16 },
            };
            var normalizer = PixelNormalizer.FashionMnist;
            var definition = new RunDefinition(config, SyntheticDatasets.Spec, normalizer.Mean, normalizer.Std, DataShards: 4)
            {
                CheckpointEverySteps = 2,
                KeepCheckpoints = 2,
            };

            // Straight through.
            var (straightModel, straightSamples) = await OnFreshCluster(store, async run =>
            {
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                Assert.Null(run.ResumedFrom);
                Assert.Equal(Steps, await run.WaitUntilDone(Steps, budget: null, cancellation: Deadline()));
            }, "straight");

            // k steps, then every silo stops (the cluster is disposed: its uploads are flushed).
            var runId = $"resume-{Guid.NewGuid():N}";
            var (_, firstLeg) = await OnFreshCluster(store, async run =>
            {
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                await run.StopAt(StopBefore);
                Assert.Equal(StopBefore, await run.WaitUntilPaused(Deadline()));
            }, runId);

            // A new cluster, same store, same run id: resumes by itself from the checkpoint.
            var (resumedModel, secondLeg) = await OnFreshCluster(store, async run =>
            {
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                Assert.Equal(StopBefore, run.ResumedFrom);
                Assert.Equal(Steps, await run.WaitUntilDone(Steps, budget: null, cancellation: Deadline()));
            }, runId);

            var resumedSamples = firstLeg.Concat(secondLeg).ToDictionary();
            Assert.Equal(Enumerable.Range(0, Steps).Select(s => (long)s), resumedSamples.Keys.Order());
            foreach (var (step, samples) in straightSamples)
                Assert.Equal(samples, resumedSamples[step]);
            var epoch0 = Enumerable.Range(0, 8).SelectMany(s => resumedSamples[s]).ToList();
            Assert.Equal(epoch0.Count, epoch0.Distinct().Count());

            Assert.Equal(straightModel.Tensors.Keys.Order(), resumedModel.Tensors.Keys.Order());
            foreach (var (name, block) in straightModel.Tensors)
                Assert.True(block.Data.AsSpan().SequenceEqual(resumedModel.Tensors[name].Data), $"{name} differs after the resume");
            output.WriteLine($"resumed at step {StopBefore}: {straightModel.Tensors.Count} tensors bit-identical to {Steps} steps straight");

            // Keep-last-K held: only the newest 2 complete checkpoints of the resumed run remain.
            var manifests = (await store.List($"runs/{runId}/checkpoints/")).Where(b => b.Name.EndsWith("manifest.json", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, manifests.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_whose_silos_were_all_lost_mid_run_resumes_by_itself_when_silos_start_again_and_ends_as_if_straight()
    {
        var folder = Directory.CreateTempSubdirectory("bam-self-resume-").FullName;
        try
        {
            var store = new LocalFolderBlobStore(folder);
            // More steps than above: the silos keep training while they stop, and must not reach the end.
            const int steps = 2 * Steps;
            var config = ClusterEquivalenceTests.Config(localViews: 2, topK: 0, ema: true, NormKind.Batch) with { Steps = steps };
            var normalizer = PixelNormalizer.FashionMnist;
            var definition = new RunDefinition(config, SyntheticDatasets.Spec, normalizer.Mean, normalizer.Std, DataShards: 4)
            {
                CheckpointEverySteps = 2,
                KeepCheckpoints = 2,
            };
            var (straightModel, straightSamples) = await OnFreshCluster(store, async run =>
            {
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                Assert.Equal(steps, await run.WaitUntilDone(steps, budget: null, cancellation: Deadline()));
            }, "straight");

            // Every silo is lost at once while the run trains (no notice, so no drain): no pause, no
            // command; the run stays Running in storage.
            var runId = $"self-{Guid.NewGuid():N}";
            long stoppedAfter = 0;
            await using (var cluster = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store))
            {
                var run = new ClusterRun(cluster.Client, runId, shared.Log);
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                var deadline = Deadline();
                while ((stoppedAfter = (await run.Status()).CompletedSteps) < StopBefore + 1) await Task.Delay(20, deadline);
                await cluster.KillAll();
            }

            // New silos on the same store. Nobody launches: the leader finds the run in the catalog.
            var (resumedModel, resumedSamples) = await OnFreshCluster(store, async run =>
            {
                var deadline = Deadline();
                RunStatusSnapshot status;
                while ((status = await run.Attach()) is not { Status: RunStatus.Running or RunStatus.Completed, Slots.Count: 2 })
                    await Task.Delay(100, deadline);
                Assert.True(status.Current.Generation > 2, $"generations keep counting after the restart: {status.Current.Generation}");
                Assert.Equal(steps, await run.WaitUntilDone(steps, budget: null, cancellation: deadline));
            }, runId);

            // It resumed at a checkpoint (every 2 steps) no more than one interval before the steps
            // seen done (the barrier counts a step before slot 0 applies and checkpoints it, and a
            // stopping slot may abandon that), before the end, and redid the rest exactly.
            var resumedAt = resumedSamples.Keys.Min();
            Assert.True(resumedAt % 2 == 0 && resumedAt >= stoppedAfter - 2 && resumedAt < steps,
                $"resumed at step {resumedAt}; {stoppedAfter} steps were done when the silos were lost");
            foreach (var (step, samples) in resumedSamples)
                Assert.Equal(straightSamples[step], samples);
            foreach (var (name, block) in straightModel.Tensors)
                Assert.True(block.Data.AsSpan().SequenceEqual(resumedModel.Tensors[name].Data), $"{name} differs after resuming by itself");
            output.WriteLine($"silos lost after {stoppedAfter} steps; resumed by itself at step {resumedAt}; {straightModel.Tensors.Count} tensors bit-identical to {steps} steps straight");

            // The run's state lives in the store beside its checkpoints.
            Assert.Contains(await store.List("grain-state/"), b => b.Name.Contains(runId, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_time_interval_alone_checkpoints_the_run_and_keeps_the_newest()
    {
        var folder = Directory.CreateTempSubdirectory("bam-timed-").FullName;
        try
        {
            var store = new LocalFolderBlobStore(folder);
            var config = ClusterEquivalenceTests.Config(localViews: 0, topK: 0, ema: false, NormKind.Group) with { Steps = 4 };
            var normalizer = PixelNormalizer.FashionMnist;
            // No step interval; an interval of about a millisecond makes every boundary due.
            var definition = new RunDefinition(config, SyntheticDatasets.Spec, normalizer.Mean, normalizer.Std, DataShards: 4)
            {
                CheckpointEveryMinutes = 1e-5,
                KeepCheckpoints = 2,
            };
            var runId = $"timed-{Guid.NewGuid():N}";
            await OnFreshCluster(store, async run =>
            {
                await run.Launch(definition, SyntheticDatasets.Count, slotsPerSilo: 1);
                Assert.Equal(4, await run.WaitUntilDone(4, budget: null, cancellation: Deadline()));
            }, runId);
            var manifests = (await store.List($"runs/{runId}/checkpoints/"))
                .Where(b => b.Name.EndsWith("manifest.json", StringComparison.Ordinal)).Select(b => b.Name).Order().ToList();
            // The last boundary is always written; older ones are pruned to 2 (one still waiting
            // when a newer arrives is dropped, so on a slow machine only the newest may be left).
            Assert.Equal($"runs/{runId}/checkpoints/000000000004/manifest.json", manifests[^1]);
            Assert.InRange(manifests.Count, 1, 2);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Starts a 2-silo cluster on <paramref name="store"/>, lets <paramref name="train"/>
    /// drive the run, and returns slot 0's model and every step's samples (slot order), before the
    /// cluster is stopped.</summary>
    private async Task<(ModelSnapshot Model, Dictionary<long, int[]> Samples)> OnFreshCluster(
        IBlobStore store, Func<ClusterRun, Task> train, string runId)
    {
        await using var cluster = await LocalCluster.Start(2, new SyntheticDatasets(), shared.Log, Deadline(), store);
        var run = new ClusterRun(cluster.Client, runId, shared.Log);
        await train(run);
        var histories = await Task.WhenAll(Enumerable.Range(0, run.SlotKeys.Count).Select(w => run.History(w)));
        var samples = histories[0].ToDictionary(r => r.Step, r => histories.SelectMany(h => h.Single(x => x.Step == r.Step).Samples).ToArray());
        return (await run.ExportModel(), samples);
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
}
