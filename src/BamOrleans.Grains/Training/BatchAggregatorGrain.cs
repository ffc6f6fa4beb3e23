using System.Diagnostics;
using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using static TorchSharp.torch;

namespace BamOrleans.Grains.Training;

/// <summary>
/// The run's global batch aggregator. The math is the core library's
/// (<see cref="TargetAggregation"/>, <see cref="ColumnGradientReduction"/>); this grain only
/// gathers, checks that the slots agree, converts and answers.
/// </summary>
/// <remarks>
/// Reentrant: each slot's call waits inside the grain for the others, so the calls must
/// interleave. Turns still never overlap, and the Sinkhorn runs inside one turn.
/// It runs on the leader silo, the oldest active member (<see cref="LeaderPlacement"/>); the
/// leader's device is CPU here.
/// </remarks>
[Reentrant, LeaderPlacement]
internal sealed class BatchAggregatorGrain : Grain, IBatchAggregatorGrain
{
    private readonly ILogger<BatchAggregatorGrain> _logger;
    private readonly StampedGather<EmbeddingsUpload, TargetsDownload> _embeddings;
    private readonly StampedGather<ColumnGradientUpload, TensorBlock> _columnGradients;

    // The objective of the last step whose targets were sent: its column gradients are reduced with it.
    private BamOptions? _lastOptions;

    public BatchAggregatorGrain(ILogger<BatchAggregatorGrain> logger)
    {
        _logger = logger;
        var runId = this.GetPrimaryKeyString();
        _embeddings = new StampedGather<EmbeddingsUpload, TargetsDownload>(runId, ComputeTargets);
        _columnGradients = new StampedGather<ColumnGradientUpload, TensorBlock>(runId, ReduceColumnGradients);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Run {RunId}: batch aggregator active on {Silo}", this.GetPrimaryKeyString(), GrainContext.Address.SiloAddress!);
        return Task.CompletedTask;
    }

    public Task<ExchangeResult<TargetsDownload>> ExchangeEmbeddings(StepStamp stamp, EmbeddingsUpload upload, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return _embeddings.Contribute(stamp, upload.SlotIndex, upload.SlotCount, upload, wait);
    }

    public Task<ExchangeResult<TensorBlock>> ExchangeColumnGradients(StepStamp stamp, ColumnGradientUpload upload, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return _columnGradients.Contribute(stamp, upload.SlotIndex, upload.SlotCount, upload, wait);
    }

    public Task<ExchangeSnapshot> GetSnapshot()
    {
        var refusals = new Dictionary<RefusalReason, long>(_embeddings.Refusals);
        foreach (var (reason, count) in _columnGradients.Refusals)
            refusals[reason] = refusals.GetValueOrDefault(reason) + count;
        return Task.FromResult(new ExchangeSnapshot(GrainContext.Address.SiloAddress!, _embeddings.LastCompleted,
            _embeddings.CompletedSteps, refusals));
    }

    private TargetsDownload[] ComputeTargets(StepStamp stamp, EmbeddingsUpload[] uploads)
    {
        var clock = Stopwatch.StartNew();
        var objective = uploads[0].Objective;
        for (var w = 1; w < uploads.Length; w++)
            if (uploads[w].Objective != objective)
                throw new InvalidOperationException(
                    $"Step {stamp}: slot {w} runs {uploads[w].Objective} but slot 0 runs {objective}: every slot must run the run's one config; restart the slots from the run's settings.");
        var options = new BamOptions
        {
            GlobalViews = objective.GlobalViews,
            LocalViews = objective.LocalViews,
            TargetViews = objective.TargetViews,
            SinkhornIterations = objective.SinkhornIterations,
            TopK = objective.TopK,
            UseEmaTeacher = objective.EmaTeacher,
        };
        _lastOptions = null;
        var source = objective.EmaTeacher ? EmbeddingSource.Teacher : EmbeddingSource.Student;

        using var scope = NewDisposeScope();
        var messages = uploads.Select((u, w) =>
        {
            var rows = TensorWire.ToTensor(u.Rows, $"slot {w}'s rows");
            var id = new SlotStepId(stamp.Step, w);
            return source == EmbeddingSource.Teacher
                ? SlotEmbeddings.FromTeacher(id, rows, options.Views)
                : SlotEmbeddings.FromStudent(id, rows, options.Views);
        }).ToList();
        var targets = TargetAggregation.Scatter(messages, options, objective.Epsilon, stamp.Step, uploads.Length);
        // Every slot gets the same columns and scales: convert once and share the (immutable) blocks.
        var columns = TensorWire.ToBlock(targets[0].Columns);
        var scales = TensorWire.ToBlock(targets[0].LogColumnScales);
        foreach (var t in targets) t.Dispose();
        foreach (var m in messages) m.Dispose();
        _lastOptions = options;
        var seconds = clock.Elapsed.TotalSeconds;
        _logger.LogDebug("Run {RunId}: step {Stamp} targets for {Slots} slots in {Seconds:F4} s",
            stamp.RunId, stamp.ToString(), uploads.Length, seconds);
        return Enumerable.Repeat(new TargetsDownload(columns, scales, objective.Epsilon, seconds), uploads.Length).ToArray();
    }

    private TensorBlock[] ReduceColumnGradients(StepStamp stamp, ColumnGradientUpload[] uploads)
    {
        using var scope = NewDisposeScope();
        var messages = uploads.Select((u, w) =>
            new ColumnGradients(new SlotStepId(stamp.Step, w), TensorWire.ToTensor(u.Gradient, $"slot {w}'s column gradients"))).ToList();
        var options = OptionsOf(stamp);
        var own = ColumnGradientReduction.Reduce(messages, options, stamp.Step, uploads.Length);
        var blocks = own.Select(o => TensorWire.ToBlock(o.Gradient)).ToArray();
        foreach (var o in own) o.Dispose();
        foreach (var m in messages) m.Dispose();
        return blocks;
    }

    /// <summary>The objective of this step, from the targets the aggregator sent for it.</summary>
    private BamOptions OptionsOf(StepStamp stamp)
    {
        if (_embeddings.LastCompleted != stamp || _lastOptions is null)
            throw new InvalidOperationException(
                $"Column gradients for step {stamp} arrived but the last targets sent were for {_embeddings.LastCompleted?.ToString() ?? "no step"}: a slot must send its column gradients for the step whose targets it received.");
        return _lastOptions;
    }
}
