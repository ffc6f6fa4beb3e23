using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Swav;

/// <summary>
/// SwAV (<see cref="SwavMath"/>) through the objective seam. The prototypes are encoder
/// parameters (<see cref="Encoder.Prototypes"/>), renormalised before every forward pass and
/// frozen for the first <see cref="SwavOptions.FreezePrototypesSteps"/> steps. The slot's outputs
/// are its scores z·Pᵀ; it uploads its assignment views' scores (and, with a queue, their rows and
/// the prototypes); the leader runs Sinkhorn once per assignment view over the global batch (queue
/// rows first when the queue is in use) and answers each slot with its rows of the codes. The
/// codes carry no gradient, so there is no second round.
/// </summary>
public sealed class SwavObjective : ITrainingObjective
{
    public const string Name = "swav";

    public SwavObjective(SwavOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid SwAV options: " + string.Join(" ", problems), nameof(options));
        Options = options;
    }

    public SwavOptions Options { get; }

    public string Method => Name;

    public int GlobalViews => Options.GlobalViews;

    public int LocalViews => Options.LocalViews;

    public bool UsesTeacher => false;

    public int Prototypes => Options.Prototypes;

    public int MemoryWidth(int embeddingWidth) => 0;

    public bool SharesGradients => false;

    /// <summary>Codes are computed for the global views (official crops_for_assign = [0, 1]).</summary>
    private int AssignViews => Options.GlobalViews;

    private bool UsesQueue => Options.QueueLength > 0;

    public string Describe() => ObjectiveOptionsJson.Write(Options);

    public void BeforeForward(Encoder model, ObjectiveStep step) => SwavMath.NormalizePrototypes(PrototypesOf(model));

    /// <summary>The scores z·Pᵀ (V·B × K): the loss is a function of them, and their backward
    /// reaches both the encoder and the prototypes.</summary>
    public Tensor Outputs(Encoder model, Tensor rows) => rows.mm(PrototypesOf(model).t());

    /// <summary>The assignment views' scores (A·B × K); with a queue also their rows (A·B × D) and
    /// the prototypes (K × D), because queued rows are scored with the current prototypes.</summary>
    public IReadOnlyList<Tensor> Upload(ObjectiveStep step, SlotForward forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        var assignRows = (long)AssignViews * step.BatchPerSlot;
        var scores = forward.Outputs.narrow(0, 0, assignRows).detach();
        return UsesQueue
            ? [scores, forward.Rows.narrow(0, 0, assignRows).detach(), PrototypesOf(forward.Model).detach()]
            : [scores];
    }

    /// <summary>The answer is this slot's codes, one [B, K] per assignment view.</summary>
    public ObjectiveShare Share(ObjectiveStep step, SlotForward forward, IReadOnlyList<Tensor> answer)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Count != AssignViews)
            throw new ArgumentException($"The leader's answer has {answer.Count} tensors but SwAV expects {AssignViews} (the codes of each assignment view): the leader and this slot run different objectives; give them the run's one config.", nameof(answer));
        using var scope = NewDisposeScope();
        // A leaf over the detached scores: the encoder's backward runs once, later, from the returned gradient.
        var scores = forward.Outputs.detach().requires_grad_(true);
        var loss = SwavMath.SwappedPredictionLoss(scores, answer, Options.Views, Options.Temperature);
        var gradient = autograd.grad([loss], [scores])[0];
        return new ObjectiveShare(loss.to_type(ScalarType.Float64).item<double>(), gradient.MoveToOuterDisposeScope(), null);
    }

    public Tensor OutputGradient(ObjectiveStep step, ObjectiveShare share, Tensor? reducedShared)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (reducedShared is not null)
            throw new ArgumentException("SwAV shares no gradients, but a reduced gradient was given: pass null.", nameof(reducedShared));
        return share.OutputGradient.detach().clone();
    }

    /// <summary>While frozen, the prototypes' gradient is dropped on every slot (so its average is
    /// zero too), as the official code sets it to None: early codes are near-uniform, and letting
    /// the prototypes chase them collapses them.</summary>
    public void AfterBackward(Encoder model, ObjectiveStep step)
    {
        if (step.Step < Options.FreezePrototypesSteps)
            PrototypesOf(model).grad?.zero_();
    }

    public IObjectiveLeader CreateLeader() => new Leader(this);

    private Tensor PrototypesOf(Encoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Prototypes
               ?? throw new InvalidOperationException(
                   $"SwAV needs an encoder with {Options.Prototypes} prototypes but this one has none: build it from TrainingConfig.Model (which adds them), not from TrainingConfig.Encoder.");
    }

    private sealed class Leader(SwavObjective objective) : IObjectiveLeader
    {
        // Made at the first step, when the embedding width is known; empty again whenever the
        // aggregator is rebuilt (a new leader silo, a resume): it refills before it is used.
        private SwavQueue? _queue;

        public IReadOnlyList<int> MemoryReads(LeaderStep step, IReadOnlyList<int[]> samples) => [];

        public LeaderAnswer Lead(LeaderStep step, IReadOnlyList<SlotUpload> uploads, Tensor? memory)
        {
            ArgumentNullException.ThrowIfNull(uploads);
            var options = objective.Options;
            var views = objective.AssignViews;
            var batch = step.BatchPerSlot;
            var ordered = uploads.OrderBy(u => u.Slot).ToList();
            foreach (var u in ordered)
                if (u.Tensors.Count != (objective.UsesQueue ? 3 : 1) || u.Tensors[0].dim() != 2 || u.Tensors[0].shape[0] != (long)views * batch)
                    throw new ArgumentException($"Slot {u.Slot} did not upload its {views}·B = {views * batch} assignment scores{(objective.UsesQueue ? ", rows and prototypes" : "")}: every slot must run the run's one config.", nameof(uploads));

            using var scope = NewDisposeScope();
            // Queue rows are what step s saw before it pushed anything, also when s is retried.
            var useQueue = objective.UsesQueue && step.Step >= options.QueueStartsAtStep;
            if (useQueue)
                _queue ??= new SwavQueue(views, options.QueueLength, checked((int)ordered[0].Tensors[1].shape[1]));
            var codes = new Tensor[views];
            var rowsPerView = new Tensor[views];
            for (var a = 0; a < views; a++)
            {
                var scores = cat(ordered.Select(u => u.Tensors[0].narrow(0, (long)a * batch, batch)).ToList(), 0);
                var queued = useQueue ? _queue!.Rows(a, step.Step) : null;
                if (queued is not null)
                    scores = cat([queued.mm(ordered[0].Tensors[2].t()), scores], 0);
                // Keep the global batch's rows (official [-bs:]): queued rows only balance the codes.
                var all = SwavMath.Codes(scores, options.Epsilon, options.SinkhornIterations);
                codes[a] = all.narrow(0, all.shape[0] - (long)batch * step.Slots, (long)batch * step.Slots);
                if (useQueue)
                    rowsPerView[a] = cat(ordered.Select(u => u.Tensors[1].narrow(0, (long)a * batch, batch)).ToList(), 0);
            }
            if (useQueue) _queue!.Push(step.Step, rowsPerView);

            var perSlot = ordered.Select(u =>
                (IReadOnlyList<Tensor>)codes.Select(c => c.narrow(0, (long)u.Slot * batch, batch).clone().MoveToOuterDisposeScope()).ToList()).ToList();
            return new LeaderAnswer([], perSlot, null);
        }

        public IReadOnlyList<Tensor> ReduceShared(LeaderStep step, IReadOnlyList<Tensor> sharedGradients) =>
            throw new InvalidOperationException("SwAV shares no gradients: its slots never send a second round.");

        public void Dispose() => _queue?.Dispose();
    }
}
