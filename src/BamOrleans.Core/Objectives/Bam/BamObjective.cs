using BamOrleans.Core.Distributed;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Bam;

/// <summary>
/// BAM (DESIGN §2) through the objective seam. Its math and protocol pieces predate the seam and
/// are tested on their own (<see cref="TargetAggregation"/>, <see cref="SlotObjective"/>,
/// <see cref="ColumnGradientReduction"/>, <see cref="SlotBackward"/>); this class only maps them
/// onto it: the slot uploads its rows (the teacher's with an EMA teacher), the leader answers every
/// slot with the columns C and the Sinkhorn column scales log v, and — without a teacher — the
/// column gradients take the second round, because gradients flow into the gathered columns.
/// </summary>
public sealed class BamObjective(BamOptions options) : ITrainingObjective
{
    public const string Name = "bam";

    public BamOptions Options { get; } = Valid(options);

    public string Method => Name;

    public int GlobalViews => Options.GlobalViews;

    public int LocalViews => Options.LocalViews;

    public bool UsesTeacher => Options.UseEmaTeacher;

    public int Prototypes => 0;

    public int MemoryWidth(int embeddingWidth) => 0;

    public bool SharesGradients => !Options.UseEmaTeacher;

    public string Describe() => ObjectiveOptionsJson.Write(Options);

    public void BeforeForward(Encoder model, ObjectiveStep step) { }

    /// <summary>BAM's loss is defined on the normalised rows themselves.</summary>
    public Tensor Outputs(Encoder model, Tensor rows) => rows.alias();

    public IReadOnlyList<Tensor> Upload(ObjectiveStep step, SlotForward forward) =>
        [(forward.TeacherRows ?? forward.Rows).detach()];

    public ObjectiveShare Share(ObjectiveStep step, SlotForward forward, IReadOnlyList<Tensor> answer)
    {
        ArgumentNullException.ThrowIfNull(forward);
        RequireAnswer(answer, 2);
        var id = new SlotStepId(step.Step, step.Slot);
        var layout = SlotLayout.For(Options, step.Slots, step.BatchPerSlot);
        // SlotTargets disposes what it wraps; the answer stays the caller's, so it wraps aliases.
        using var targets = new SlotTargets(id, layout, Epsilon(step.EpochProgress), columnsTakeGradient: !Options.UseEmaTeacher,
            answer[0].alias(), answer[1].alias());
        var share = SlotObjective.Compute(id, forward.Rows, targets, Options, forward.TeacherRows);
        return new ObjectiveShare(share.Loss, share.RowGradient, share.ColumnGradients?.Gradient);
    }

    public Tensor OutputGradient(ObjectiveStep step, ObjectiveShare share, Tensor? reducedShared)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (!SharesGradients)
        {
            if (reducedShared is not null)
                throw new ArgumentException("Column gradients were returned but the columns are an EMA teacher's and take none: pass null.", nameof(reducedShared));
            return share.OutputGradient.detach().clone();
        }
        if (reducedShared is null)
            throw new ArgumentException("The columns take gradient (no EMA teacher) but no reduced column gradients were given: wait for the leader's second round.", nameof(reducedShared));
        return SlotBackward.EmbeddingGradient(share.OutputGradient, SlotLayout.For(Options, step.Slots, step.BatchPerSlot), reducedShared);
    }

    public void AfterBackward(Encoder model, ObjectiveStep step) { }

    public IObjectiveLeader CreateLeader() => new Leader(this);

    /// <summary>ε of the step: the official per-epoch warm-up at the step's fractional epoch.</summary>
    public double Epsilon(double epochProgress) => Options.EpsilonSchedule.At(epochProgress);

    private static BamOptions Valid(BamOptions options)
    {
        ProtocolGuards.RequireOptions(options);
        return options;
    }

    internal static void RequireAnswer(IReadOnlyList<Tensor> answer, int count)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Count != count)
            throw new ArgumentException($"The leader's answer has {answer.Count} tensors but BAM expects {count} (columns, log column scales): the leader and this slot run different objectives; give them the run's one config.", nameof(answer));
    }

    private sealed class Leader(BamObjective objective) : IObjectiveLeader
    {
        public IReadOnlyList<int> MemoryReads(LeaderStep step, IReadOnlyList<int[]> samples) => [];

        public LeaderAnswer Lead(LeaderStep step, IReadOnlyList<SlotUpload> uploads, Tensor? memory)
        {
            ArgumentNullException.ThrowIfNull(uploads);
            var options = objective.Options;
            var messages = uploads.Select(u =>
            {
                if (u.Tensors.Count != 1)
                    throw new ArgumentException($"Slot {u.Slot} uploaded {u.Tensors.Count} tensors but BAM uploads one (its rows): every slot must run the run's one config.", nameof(uploads));
                var id = new SlotStepId(step.Step, u.Slot);
                return options.UseEmaTeacher
                    ? SlotEmbeddings.FromTeacher(id, u.Tensors[0].alias(), options.Views)
                    : SlotEmbeddings.FromStudent(id, u.Tensors[0].alias(), options.Views);
            }).ToList();
            try
            {
                var targets = TargetAggregation.Scatter(messages, options, objective.Epsilon(step.EpochProgress), step.Step, step.Slots);
                // Every slot gets the same columns and scales: keep one payload's, free the others.
                foreach (var other in targets.Skip(1)) other.Dispose();
                var empty = Enumerable.Range(0, step.Slots).Select(_ => (IReadOnlyList<Tensor>)[]).ToArray();
                return new LeaderAnswer([targets[0].Columns, targets[0].LogColumnScales], empty, null);
            }
            finally
            {
                foreach (var m in messages) m.Dispose();
            }
        }

        public IReadOnlyList<Tensor> ReduceShared(LeaderStep step, IReadOnlyList<Tensor> sharedGradients)
        {
            ArgumentNullException.ThrowIfNull(sharedGradients);
            var messages = sharedGradients.Select((g, w) => new ColumnGradients(new SlotStepId(step.Step, w), g.alias())).ToList();
            try
            {
                return ColumnGradientReduction.Reduce(messages, objective.Options, step.Step, step.Slots)
                    .Select(own => own.Gradient).ToList();
            }
            finally
            {
                foreach (var m in messages) m.Dispose();
            }
        }

        public void Dispose() { }
    }
}
