using System.Diagnostics;
using BamOrleans.Core.Objectives;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Steps;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using static TorchSharp.torch;

namespace BamOrleans.Grains.Training;

/// <summary>
/// The run's global batch aggregator. The math is the objective's
/// (<see cref="IObjectiveLeader"/>, rebuilt here from the slots' <see cref="StepObjective"/>);
/// this grain only gathers, checks that the slots agree, reads and writes per-image memory
/// through the data pool, converts and answers.
/// </summary>
/// <remarks>
/// Reentrant: each slot's call waits inside the grain for the others, so the calls must
/// interleave. Turns never overlap, and each step's tensor work runs inside one turn (a dispose
/// scope never spans an await). It runs on the leader silo, the oldest active member
/// (<see cref="LeaderPlacement"/>), beside the data pool and its memory; the leader's device is
/// CPU here.
/// </remarks>
[Reentrant, LeaderPlacement]
internal sealed class BatchAggregatorGrain : Grain, IBatchAggregatorGrain
{
    private readonly ILogger<BatchAggregatorGrain> _logger;
    private readonly StampedGather<ObjectiveUpload, ObjectiveDownload> _uploads;
    private readonly StampedGather<SharedGradientUpload, TensorBlock> _sharedGradients;
    private readonly LeaderMemory _memory;

    // The leader half of the run's objective, kept across steps (SwAV's queue lives in it), and
    // the text it was built from: a step describing another objective rebuilds it.
    private IObjectiveLeader? _leader;
    private StepObjective? _leaderFor;
    // The last step whose answers were computed, with its stamp: its shared gradients are reduced
    // with it. Keyed by stamp because a round abandoned while it awaited memory may finish after
    // the round that replaced it.
    private (StepStamp Stamp, LeaderStep Step)? _lastStep;

    public BatchAggregatorGrain(ILogger<BatchAggregatorGrain> logger)
    {
        _logger = logger;
        var runId = this.GetPrimaryKeyString();
        _memory = new LeaderMemory(runId, GrainFactory);
        _uploads = new StampedGather<ObjectiveUpload, ObjectiveDownload>(runId, Lead);
        _sharedGradients = new StampedGather<SharedGradientUpload, TensorBlock>(runId, ReduceSharedGradients);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Run {RunId}: batch aggregator active on {Silo}", this.GetPrimaryKeyString(), GrainContext.Address.SiloAddress!);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _leader?.Dispose();
        return Task.CompletedTask;
    }

    public Task<ExchangeResult<ObjectiveDownload>> ExchangeUploads(StepStamp stamp, ObjectiveUpload upload, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return _uploads.Contribute(stamp, upload.SlotIndex, upload.SlotCount, upload, wait);
    }

    public Task<ExchangeResult<TensorBlock>> ExchangeSharedGradients(StepStamp stamp, SharedGradientUpload upload, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return _sharedGradients.Contribute(stamp, upload.SlotIndex, upload.SlotCount, upload, wait);
    }

    public Task<ExchangeSnapshot> GetSnapshot()
    {
        var refusals = new Dictionary<RefusalReason, long>(_uploads.Refusals);
        foreach (var (reason, count) in _sharedGradients.Refusals)
            refusals[reason] = refusals.GetValueOrDefault(reason) + count;
        return Task.FromResult(new ExchangeSnapshot(GrainContext.Address.SiloAddress!, _uploads.LastCompleted,
            _uploads.CompletedSteps, refusals));
    }

    private async Task<ObjectiveDownload[]> Lead(StepStamp stamp, ObjectiveUpload[] uploads)
    {
        var clock = Stopwatch.StartNew();
        var objective = RequireAgreement(stamp, uploads);
        var leader = LeaderFor(objective);
        var samples = uploads.Select(u => u.Samples).ToArray();
        var step = new LeaderStep(stamp.Step, objective.EpochProgress, uploads.Length, samples[0].Length, objective.DatasetSize, objective.Seed);

        // Memory is read before any tensor of the step exists: no dispose scope spans an await.
        var reads = leader.MemoryReads(step, samples).ToArray();
        (float[] Rows, int Width)? memory = reads.Length == 0 ? null : await _memory.Read(stamp, reads);
        var (downloads, write) = Answer(stamp, step, leader, uploads, memory);
        if (write is not null) await _memory.Stage(stamp, write.Value.Indices, write.Value.Rows);

        _lastStep = (stamp, step);
        var seconds = clock.Elapsed.TotalSeconds;
        _logger.LogDebug("Run {RunId}: step {Stamp} of {Method} answered for {Slots} slots in {Seconds:F4} s",
            stamp.RunId, stamp.ToString(), objective.Method, uploads.Length, seconds);
        return downloads.Select(tensors => new ObjectiveDownload(tensors, seconds)).ToArray();
    }

    /// <summary>The tensor part of a step, in one turn and one dispose scope: the leader's answer
    /// as wire blocks per slot (shared tensors converted once), and the memory rows to write.</summary>
    private static (TensorBlock[][] Downloads, (int[] Indices, float[] Rows)? Write) Answer(
        StepStamp stamp, LeaderStep step, IObjectiveLeader leader, ObjectiveUpload[] uploads, (float[] Rows, int Width)? memory)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputs = uploads.Select((u, w) => new SlotUpload(w, u.Samples,
            u.Tensors.Select((block, i) => TensorWire.ToTensor(block, $"slot {w}'s upload (tensor {i})")).ToList())).ToList();
        var memoryRows = memory is { } m ? tensor(m.Rows, [m.Rows.Length / m.Width, m.Width], ScalarType.Float32) : null;
        using var answer = leader.Lead(step, inputs, memoryRows);
        if (answer.PerSlot.Count != uploads.Length)
            throw new InvalidOperationException(
                $"Step {stamp}: the objective answered {answer.PerSlot.Count} slots for {uploads.Length}: its leader must answer every slot.");
        var shared = answer.Shared.Select(TensorWire.ToBlock).ToArray();
        var downloads = answer.PerSlot.Select(own => shared.Concat(own.Select(TensorWire.ToBlock)).ToArray()).ToArray();
        (int[], float[])? write = answer.MemoryWrite is { } w
            ? (w.Indices, TensorWire.ToBlock(w.Rows).Data)
            : null;
        return (downloads, write);
    }

    private TensorBlock[] ReduceSharedGradients(StepStamp stamp, SharedGradientUpload[] uploads)
    {
        var step = StepOf(stamp);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gradients = uploads.Select((u, w) => TensorWire.ToTensor(u.Gradient, $"slot {w}'s shared gradient")).ToList();
        return _leader!.ReduceShared(step, gradients).Select(TensorWire.ToBlock).ToArray();
    }

    /// <summary>Every slot of a step must describe the same objective; returns it.</summary>
    private static StepObjective RequireAgreement(StepStamp stamp, ObjectiveUpload[] uploads)
    {
        var objective = uploads[0].Objective;
        for (var w = 1; w < uploads.Length; w++)
        {
            if (uploads[w].Objective != objective)
                throw new InvalidOperationException(
                    $"Step {stamp}: slot {w} runs {uploads[w].Objective.Method} {uploads[w].Objective.Options} but slot 0 runs {objective.Method} {objective.Options}: every slot must run the run's one config; restart the slots from the run's settings.");
            if (uploads[w].Samples.Length != uploads[0].Samples.Length)
                throw new InvalidOperationException(
                    $"Step {stamp}: slot {w} sent {uploads[w].Samples.Length} samples but slot 0 sent {uploads[0].Samples.Length}: every slot holds the same share of the global batch.");
        }
        return objective;
    }

    private IObjectiveLeader LeaderFor(StepObjective objective)
    {
        if (_leader is not null && _leaderFor is { } built && built.Method == objective.Method && built.Options == objective.Options)
            return _leader;
        _leader?.Dispose();
        _leader = null;
        _leader = ObjectiveCatalog.FromDescription(objective.Method, objective.Options).CreateLeader();
        _leaderFor = objective;
        return _leader;
    }

    /// <summary>The step whose shared gradients arrive: the one whose answers the aggregator sent last.</summary>
    private LeaderStep StepOf(StepStamp stamp)
    {
        if (_uploads.LastCompleted != stamp || _lastStep is not { } last || last.Stamp != stamp || _leader is null)
            throw new InvalidOperationException(
                $"Shared gradients for step {stamp} arrived but the last answers sent were for {_uploads.LastCompleted?.ToString() ?? "no step"}: a slot must send its shared gradients for the step whose answer it received.");
        return last.Step;
    }
}
