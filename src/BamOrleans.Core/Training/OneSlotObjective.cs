using BamOrleans.Core.Distributed;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives;
using static TorchSharp.torch;

namespace BamOrleans.Core.Training;

/// <summary>
/// An objective's slot and leader halves in one process, as one slot of W = 1 would run them —
/// with the per-image memory in a local tensor instead of the data grains. The single-process
/// trainer runs SwAV and PIRL through it, so a cluster run of any objective can be replayed step
/// by step on its own samples (BAM keeps its direct, whole-batch loss as the reference).
/// </summary>
internal sealed class OneSlotObjective : IDisposable
{
    private readonly ITrainingObjective _objective;
    private readonly IObjectiveLeader _leader;
    private readonly int _datasetSize;
    private readonly long _seed;
    private Tensor? _memory;

    public OneSlotObjective(ITrainingObjective objective, int datasetSize, long seed)
    {
        _objective = objective;
        _leader = objective.CreateLeader();
        _datasetSize = datasetSize;
        _seed = seed;
    }

    /// <summary>The step's loss, and the tensor to back-propagate from with its gradient
    /// (call <c>Outputs.backward([Gradient])</c>, then <see cref="AfterBackward"/>). Tensors land
    /// in the caller's dispose scope; the memory rows of the batch are updated before it returns.</summary>
    public (double Loss, Tensor Outputs, Tensor Gradient) Compute(
        Encoder model, Tensor embeddings, Tensor? teacherEmbeddings, int[] indices, long step, double epochProgress)
    {
        var slotStep = new ObjectiveStep(step, epochProgress, 0, 1, indices.Length, indices);
        var leaderStep = new LeaderStep(step, epochProgress, 1, indices.Length, _datasetSize, _seed);
        var rows = SlotEmbeddings.Normalize(embeddings);
        Tensor? teacherRows = null;
        if (teacherEmbeddings is not null)
            using (no_grad()) teacherRows = SlotEmbeddings.Normalize(teacherEmbeddings);
        var forward = new SlotForward(rows, _objective.Outputs(model, rows), teacherRows, model);

        Tensor? memoryRows = null;
        using (no_grad())
        {
            var reads = _leader.MemoryReads(leaderStep, [indices]);
            if (reads.Count > 0)
                memoryRows = Memory(rows.shape[1]).index_select(0, tensor(reads.Select(i => (long)i).ToArray()));
        }
        using var answer = _leader.Lead(leaderStep, [new SlotUpload(0, indices, _objective.Upload(slotStep, forward))], memoryRows);
        var share = _objective.Share(slotStep, forward, answer.For(0));
        var reduced = share.SharedGradient is { } shared ? _leader.ReduceShared(leaderStep, [shared])[0] : null;
        var gradient = _objective.OutputGradient(slotStep, share, reduced);
        if (answer.MemoryWrite is { } write)
            using (no_grad())
                Memory(rows.shape[1]).index_copy_(0, tensor(write.Indices.Select(i => (long)i).ToArray()), write.Rows.to_type(ScalarType.Float32));
        return (share.Loss, forward.Outputs, gradient);
    }

    /// <summary>Before the forward pass (SwAV renormalises its prototypes).</summary>
    public void BeforeForward(Encoder model, long step, double epochProgress, int batch) =>
        _objective.BeforeForward(model, new ObjectiveStep(step, epochProgress, 0, 1, batch, []));

    /// <summary>After the backward pass (SwAV drops its frozen prototypes' gradient).</summary>
    public void AfterBackward(Encoder model, long step, double epochProgress, int batch) =>
        _objective.AfterBackward(model, new ObjectiveStep(step, epochProgress, 0, 1, batch, []));

    /// <summary>The per-image memory, made on first use with the rows the data grains start from.</summary>
    private Tensor Memory(long width)
    {
        if (_memory is not null) return _memory;
        var rows = new float[_datasetSize * width];
        for (var i = 0; i < _datasetSize; i++)
            MemoryBankInit.Row(_seed, i, (int)width).CopyTo(rows, i * width);
        _memory = tensor(rows, [_datasetSize, width], ScalarType.Float32).DetachFromDisposeScope();
        return _memory;
    }

    public void Dispose()
    {
        _leader.Dispose();
        _memory?.Dispose();
    }
}
