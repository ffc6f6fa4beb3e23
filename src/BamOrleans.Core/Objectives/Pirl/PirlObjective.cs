using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Pirl;

/// <summary>
/// PIRL (<see cref="PirlMath"/>) through the objective seam. The memory bank lives with the data:
/// the leader reads, for each step, the global batch's bank rows and the step's negatives, answers
/// every slot with the negatives (shared) and its own images' rows, and writes the moving-average
/// update of the batch's rows back once the step is done. Gradients stay on the slots: the bank
/// rows are constants, so there is no second round.
/// </summary>
public sealed class PirlObjective : ITrainingObjective
{
    public const string Name = "pirl";

    public PirlObjective(PirlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid PIRL options: " + string.Join(" ", problems), nameof(options));
        Options = options;
    }

    public PirlOptions Options { get; }

    public string Method => Name;

    public int GlobalViews => Options.GlobalViews;

    public int LocalViews => Options.LocalViews;

    public bool UsesTeacher => false;

    public int Prototypes => 0;

    /// <summary>One bank row per image, as wide as the embeddings.</summary>
    public int MemoryWidth(int embeddingWidth) => embeddingWidth;

    public bool SharesGradients => false;

    public string Describe() => ObjectiveOptionsJson.Write(Options);

    public void BeforeForward(Encoder model, ObjectiveStep step) { }

    public Tensor Outputs(Encoder model, Tensor rows) => rows.alias();

    /// <summary>f, the rows of view 0 (v_I): the leader's bank update needs them.</summary>
    public IReadOnlyList<Tensor> Upload(ObjectiveStep step, SlotForward forward) =>
        [forward.Rows.narrow(0, 0, step.BatchPerSlot).detach()];

    /// <summary>The answer is the step's negatives (N × D), then this slot's bank rows (B × D).</summary>
    public ObjectiveShare Share(ObjectiveStep step, SlotForward forward, IReadOnlyList<Tensor> answer)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Count != 2)
            throw new ArgumentException($"The leader's answer has {answer.Count} tensors but PIRL expects 2 (negatives, the slot's bank rows): the leader and this slot run different objectives; give them the run's one config.", nameof(answer));
        var batch = step.BatchPerSlot;
        if (forward.Rows.shape[0] != 2L * batch)
            throw new ArgumentException($"PIRL takes 2 views per image, so 2·B = {2 * batch} rows, but got {forward.Rows.shape[0]}: set the augmenter to the objective's views.", nameof(forward));

        using var scope = NewDisposeScope();
        // A leaf over the detached rows: the encoder's backward runs once, later, from the returned gradient.
        var z = forward.Rows.detach().requires_grad_(true);
        var loss = PirlMath.Loss(z.narrow(0, 0, batch), z.narrow(0, batch, batch), answer[1], answer[0], Options);
        var gradient = autograd.grad([loss], [z])[0];
        return new ObjectiveShare(loss.to_type(ScalarType.Float64).item<double>(), gradient.MoveToOuterDisposeScope(), null);
    }

    public Tensor OutputGradient(ObjectiveStep step, ObjectiveShare share, Tensor? reducedShared)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (reducedShared is not null)
            throw new ArgumentException("PIRL shares no gradients, but a reduced gradient was given: pass null.", nameof(reducedShared));
        return share.OutputGradient.detach().clone();
    }

    public void AfterBackward(Encoder model, ObjectiveStep step) { }

    public IObjectiveLeader CreateLeader() => new Leader(Options);

    private sealed class Leader(PirlOptions options) : IObjectiveLeader
    {
        /// <summary>The global batch's images in slot order, then the step's negatives.</summary>
        public IReadOnlyList<int> MemoryReads(LeaderStep step, IReadOnlyList<int[]> samples) =>
        [
            .. samples.SelectMany(s => s),
            .. PirlMath.SampleNegatives(step.Seed, step.Step, step.DatasetSize, options.Negatives),
        ];

        public LeaderAnswer Lead(LeaderStep step, IReadOnlyList<SlotUpload> uploads, Tensor? memory)
        {
            ArgumentNullException.ThrowIfNull(uploads);
            var batch = step.BatchPerSlot;
            var global = batch * step.Slots;
            if (memory is null || memory.dim() != 2 || memory.shape[0] != global + options.Negatives)
                throw new ArgumentException(
                    $"PIRL needs {global + options.Negatives} bank rows (the global batch's {global}, then {options.Negatives} negatives) but got {(memory is null ? "none" : $"[{string.Join(", ", memory.shape)}]")}: read the rows MemoryReads names.",
                    nameof(memory));
            foreach (var u in uploads)
                if (u.Tensors.Count != 1 || u.Tensors[0].dim() != 2 || u.Tensors[0].shape[0] != batch)
                    throw new ArgumentException($"Slot {u.Slot} uploaded no [B = {batch}, D] view-0 rows: every slot must run the run's one config.", nameof(uploads));

            using var scope = NewDisposeScope();
            var negatives = memory.narrow(0, global, options.Negatives).clone();
            var perSlot = uploads.OrderBy(u => u.Slot)
                .Select(u => (IReadOnlyList<Tensor>)[memory.narrow(0, (long)u.Slot * batch, batch).clone().MoveToOuterDisposeScope()])
                .ToList();
            var f = cat(uploads.OrderBy(u => u.Slot).Select(u => u.Tensors[0]).ToList(), 0);
            var updated = PirlMath.UpdatedMemory(memory.narrow(0, 0, global), f.to_type(memory.dtype), options.MemoryMomentum);
            var indices = uploads.OrderBy(u => u.Slot).SelectMany(u => u.Samples).ToArray();
            return new LeaderAnswer([negatives.MoveToOuterDisposeScope()], perSlot,
                new MemoryWrite(indices, updated.MoveToOuterDisposeScope()));
        }

        public IReadOnlyList<Tensor> ReduceShared(LeaderStep step, IReadOnlyList<Tensor> sharedGradients) =>
            throw new InvalidOperationException("PIRL shares no gradients: its slots never send a second round.");

        public void Dispose() { }
    }
}
