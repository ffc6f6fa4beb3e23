using BamOrleans.Cluster.Tests.InProcess;
using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives.Bam;
using BamOrleans.Grains.Steps;
using BamOrleans.Grains.Training;
using static TorchSharp.torch;

namespace BamOrleans.Cluster.Tests.Exchange;

/// <summary>
/// The step exchanges through real grains on three in-process silos: the batch aggregator against
/// the core library's math computed here on the same inputs, and a gradient shard against the
/// float64 mean. Arrival order is forced without timing: a call with a tiny wait returns
/// <see cref="ExchangeStatus.TimedOut"/> only after its contribution is in (it is kept), so the
/// next call is known to arrive after it.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class ExchangeGrainTests(InProcessCluster cluster)
{
    private const int GlobalViews = 2, LocalViews = 0, TargetViews = 2, Batch = 4, Dim = 8, Slots = 2;
    private const int Views = GlobalViews + LocalViews;
    private const double Epsilon = 0.05;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Tiny = TimeSpan.FromMilliseconds(1);

    private static readonly BamOptions Options = new()
    {
        GlobalViews = GlobalViews,
        LocalViews = LocalViews,
        TargetViews = TargetViews,
        SinkhornIterations = 3,
        TopK = 0,
        UseEmaTeacher = false,
        Epsilon = Epsilon,
    };

    /// <summary>BAM's description, as every slot sends it (ε constant, so any epoch gives <see cref="Epsilon"/>).</summary>
    private static readonly StepObjective Objective = new(BamObjective.Name, new BamObjective(Options).Describe(),
        EpochProgress: 0.25, DatasetSize: 1000, Seed: 7);

    private static ObjectiveUpload Upload(int slot, TensorBlock rows) =>
        new(slot, Slots, Objective, Enumerable.Range(slot * Batch, Batch).ToArray(), [rows]);

    private static string NewRunId() => $"run-{Guid.NewGuid():N}";

    /// <summary>rows × columns standard-normal floats (Box–Muller, fixed seed).</summary>
    private static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))
            .ToArray();
    }

    /// <summary>V·B × D rows, each L2-normalised (norm computed in float64).</summary>
    private static TensorBlock NormalisedRows(int seed)
    {
        var data = Gaussian(Views * Batch * Dim, seed);
        for (var r = 0; r < Views * Batch; r++)
        {
            var row = data.AsSpan(r * Dim, Dim);
            double norm = 0;
            foreach (var x in row) norm += (double)x * x;
            norm = Math.Sqrt(norm);
            for (var i = 0; i < Dim; i++) row[i] = (float)(row[i] / norm);
        }
        return new TensorBlock([Views * Batch, Dim], data);
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertSameBytes(TensorBlock expected, TensorBlock actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(Bits(expected.Data), Bits(actual.Data));
    }

    /// <summary>The targets <see cref="TargetAggregation.Scatter"/> computes here on the same rows.</summary>
    private static (TensorBlock Columns, TensorBlock LogScales) ReferenceTargets(TensorBlock[] rows, long step)
    {
        using var scope = NewDisposeScope();
        var messages = rows.Select((r, w) =>
            SlotEmbeddings.FromStudent(new SlotStepId(step, w), tensor(r.Data, r.Shape, ScalarType.Float32), Views)).ToList();
        var targets = TargetAggregation.Scatter(messages, Options, Epsilon, step, rows.Length);
        // Every slot's payload carries the same columns and scales.
        for (var w = 1; w < targets.Count; w++)
        {
            Assert.True(targets[w].Columns.eq(targets[0].Columns).all().item<bool>());
            Assert.True(targets[w].LogColumnScales.eq(targets[0].LogColumnScales).all().item<bool>());
        }
        var result = (TensorWire.ToBlock(targets[0].Columns), TensorWire.ToBlock(targets[0].LogColumnScales));
        foreach (var t in targets) t.Dispose();
        foreach (var m in messages) m.Dispose();
        return result;
    }

    /// <summary>Each slot's own summed column gradients, by <see cref="ColumnGradientReduction.Reduce"/> here.</summary>
    private static TensorBlock[] ReferenceColumnGradients(TensorBlock[] gradients, long step)
    {
        using var scope = NewDisposeScope();
        var messages = gradients.Select((g, w) =>
            new ColumnGradients(new SlotStepId(step, w), tensor(g.Data, g.Shape, ScalarType.Float32))).ToList();
        var own = ColumnGradientReduction.Reduce(messages, Options, step, gradients.Length);
        var blocks = own.Select(o => TensorWire.ToBlock(o.Gradient)).ToArray();
        foreach (var o in own) o.Dispose();
        return blocks;
    }

    [Fact]
    public async Task Aggregator_answers_the_core_librarys_targets_and_column_gradients_and_refuses_a_stale_generation()
    {
        var runId = NewRunId();
        var aggregator = cluster.Client.GetGrain<IBatchAggregatorGrain>(runId);
        var stamp = new StepStamp(runId, Generation: 2, Step: 0);
        var rows = new[] { NormalisedRows(seed: 1), NormalisedRows(seed: 2) };
        var expected = ReferenceTargets(rows, stamp.Step);
        Assert.Equal([TargetViews * Batch * Slots, Dim], expected.Columns.Shape);

        // Slot 0's rows are in and its step is open (its first call timed out, the rows kept).
        var early = await aggregator.ExchangeUploads(stamp, Upload(0, rows[0]), Tiny);
        Assert.Equal(ExchangeStatus.TimedOut, early.Status);

        // Meanwhile a third party's message of the previous generation: refused, never mixed in
        // (its rows are not even normalised, so mixing them in would fail the step).
        var staleRows = new TensorBlock([Views * Batch, Dim], Enumerable.Repeat(3f, Views * Batch * Dim).ToArray());
        var stale = await aggregator.ExchangeUploads(stamp with { Generation = 1 }, Upload(1, staleRows), Long);
        Assert.Equal(ExchangeStatus.Refused, stale.Status);
        Assert.Equal(RefusalReason.StaleGeneration, stale.Refused);
        Assert.Null(stale.Value);

        // Slot 0 waits again (its retry's rows do not replace the first ones) while slot 1 arrives.
        var answers = await Task.WhenAll(
            aggregator.ExchangeUploads(stamp, Upload(0, NormalisedRows(seed: 99)), Long),
            aggregator.ExchangeUploads(stamp, Upload(1, rows[1]), Long));
        foreach (var answer in answers)
        {
            Assert.Equal(ExchangeStatus.Completed, answer.Status);
            Assert.Null(answer.Refused);
            // BAM answers every slot the same two tensors: the columns, then the column scales.
            Assert.Equal(2, answer.Value!.Tensors.Length);
            AssertSameBytes(expected.Columns, answer.Value.Tensors[0]);
            AssertSameBytes(expected.LogScales, answer.Value.Tensors[1]);
        }

        var snapshot = await aggregator.GetSnapshot();
        Assert.Equal(1, snapshot.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(1, snapshot.Refusals.Values.Sum());
        Assert.Equal(stamp, snapshot.LastCompleted);
        Assert.Equal(1, snapshot.CompletedSteps);

        // Step 4 of the protocol: each slot gets its own columns of the summed column gradients.
        var k = TargetViews * Batch * Slots;
        var gradients = new[] { new TensorBlock([k, Dim], Gaussian(k * Dim, 11)), new TensorBlock([k, Dim], Gaussian(k * Dim, 12)) };
        var expectedOwn = ReferenceColumnGradients(gradients, stamp.Step);
        var reduced = await Task.WhenAll(
            aggregator.ExchangeSharedGradients(stamp, new SharedGradientUpload(1, Slots, gradients[1]), Long),
            aggregator.ExchangeSharedGradients(stamp, new SharedGradientUpload(0, Slots, gradients[0]), Long));
        Assert.Equal(ExchangeStatus.Completed, reduced[0].Status);
        Assert.Equal(ExchangeStatus.Completed, reduced[1].Status);
        Assert.Equal([TargetViews * Batch, Dim], reduced[0].Value!.Shape);
        AssertSameBytes(expectedOwn[1], reduced[0].Value!);
        AssertSameBytes(expectedOwn[0], reduced[1].Value!);
        Assert.NotEqual(Bits(reduced[0].Value!.Data), Bits(reduced[1].Value!.Data));
        // Slot 0's own rows of the sum, written out: column t·(B·W) + b for row t·B + b.
        for (var t = 0; t < TargetViews; t++)
            for (var b = 0; b < Batch; b++)
                for (var d = 0; d < Dim; d++)
                {
                    var column = t * Batch * Slots + b;
                    Assert.Equal(gradients[0].Data[column * Dim + d] + gradients[1].Data[column * Dim + d],
                        reduced[1].Value!.Data[(t * Batch + b) * Dim + d]);
                }

        // The aggregator runs on the leader, the oldest active silo.
        var silos = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var oldest = silos.Keys.MinBy(s => s.Generation)!;
        snapshot = await aggregator.GetSnapshot();
        Assert.Equal(oldest, snapshot.Silo);
        Assert.Equal(1, snapshot.Refusals.Values.Sum());
    }

    [Fact]
    public async Task Aggregator_refuses_shared_gradients_of_a_step_whose_answers_it_did_not_send()
    {
        var runId = NewRunId();
        var aggregator = cluster.Client.GetGrain<IBatchAggregatorGrain>(runId);
        var stamp = new StepStamp(runId, 1, 0);
        var k = TargetViews * Batch * Slots;
        var gradient = new TensorBlock([k, Dim], Gaussian(k * Dim, 5));
        var calls = Enumerable.Range(0, Slots)
            .Select(w => aggregator.ExchangeSharedGradients(stamp, new SharedGradientUpload(w, Slots, gradient), Long)).ToArray();
        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Contains("no step", e.Message);
        }
    }

    /// <summary>Three slots' values; element 0 holds 1e8, 1, -1e8, whose float32 sum depends on the
    /// order and whose float64 mean is 1/3.</summary>
    private static float[][] ShardValues(int length)
    {
        var values = Enumerable.Range(0, 3).Select(w => Gaussian(length, 100 + w).Select(x => x * MathF.Pow(10, w - 1)).ToArray()).ToArray();
        values[0][0] = 1e8f;
        values[1][0] = 1f;
        values[2][0] = -1e8f;
        return values;
    }

    private static float[] ReferenceMean(float[][] values)
    {
        var mean = new float[values[0].Length];
        for (var i = 0; i < mean.Length; i++)
        {
            double sum = 0;
            foreach (var v in values) sum += v[i];
            mean[i] = (float)(sum / values.Length);
        }
        return mean;
    }

    /// <summary>Contributes the slots in <paramref name="first"/> order one by one (each seen in
    /// before the next), then everyone waits together for the answers.</summary>
    private static async Task<ExchangeResult<float[]>[]> Average(IGradientShardGrain shard, StepStamp stamp, float[][] values, params int[] first)
    {
        foreach (var w in first)
            Assert.Equal(ExchangeStatus.TimedOut, (await shard.Average(stamp, w, values.Length, values[w], Tiny)).Status);
        return await Task.WhenAll(Enumerable.Range(0, values.Length).Select(w => shard.Average(stamp, w, values.Length, values[w], Long)));
    }

    [Fact]
    public async Task Gradient_shard_answers_every_slot_the_float64_mean_rounded_once_whatever_the_arrival_order()
    {
        var runId = NewRunId();
        var shard = cluster.Client.GetGrain<IGradientShardGrain>(GrainKeys.GradientShard(runId, 0));
        var values = ShardValues(257);
        var expected = Bits(ReferenceMean(values));
        Assert.Equal(BitConverter.SingleToInt32Bits(1f / 3), expected[0]);
        var stamp = new StepStamp(runId, Generation: 2, Step: 0);

        var inOrder = await Average(shard, stamp, values, 0, 1);
        var reversed = await Average(shard, stamp with { Step = 1 }, values, 2, 1);
        var together = await Average(shard, stamp with { Step = 2 }, values);
        foreach (var answer in inOrder.Concat(reversed).Concat(together))
        {
            Assert.Equal(ExchangeStatus.Completed, answer.Status);
            Assert.Equal(expected, Bits(answer.Value!));
        }

        var snapshot = await shard.GetSnapshot();
        Assert.Equal(3, snapshot.CompletedSteps);
        Assert.Equal(stamp with { Step = 2 }, snapshot.LastCompleted);
        Assert.Empty(snapshot.Refusals);

        // A slot of the previous generation: refused, counted, and the mean stays.
        var stale = await shard.Average(new StepStamp(runId, 1, 5), 0, 3, values[1], Long);
        Assert.Equal(ExchangeStatus.Refused, stale.Status);
        Assert.Equal(RefusalReason.StaleGeneration, stale.Refused);
        var wrongRun = await shard.Average(new StepStamp("other-run", 9, 0), 0, 3, values[1], Long);
        Assert.Equal(RefusalReason.WrongRun, wrongRun.Refused);
        snapshot = await shard.GetSnapshot();
        Assert.Equal(1, snapshot.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(1, snapshot.RefusalsFor(RefusalReason.WrongRun));
        Assert.Equal(3, snapshot.CompletedSteps);
        Assert.Equal(stamp with { Step = 2 }, snapshot.LastCompleted);
        var retry = await shard.Average(stamp with { Step = 2 }, 1, 3, values[0], Long);
        Assert.Equal(ExchangeStatus.Completed, retry.Status);
        Assert.Equal(expected, Bits(retry.Value!));
    }

    [Fact]
    public async Task Gradient_shard_fails_every_slot_with_a_clear_message_when_lengths_differ()
    {
        var runId = NewRunId();
        var shard = cluster.Client.GetGrain<IGradientShardGrain>(GrainKeys.GradientShard(runId, 3));
        var stamp = new StepStamp(runId, 1, 0);
        float[][] values = [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4, 5]];
        var calls = Enumerable.Range(0, 3).Select(w => shard.Average(stamp, w, 3, values[w], Long)).ToArray();
        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => call);
            Assert.Contains("slot 2 sent 5 gradient values but slot 0 sent 4", e.Message);
        }
        var snapshot = await shard.GetSnapshot();
        Assert.Equal(0, snapshot.CompletedSteps);
        Assert.Null(snapshot.LastCompleted);
    }
}
