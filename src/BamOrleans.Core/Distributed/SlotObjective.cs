using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 3, on the slot: its exact share of the global BAM loss and the gradients that share
/// sends into its own rows and into every column.
/// </summary>
public static class SlotObjective
{
    /// <summary>
    /// L_w = the BAM loss of the slot's V·B rows against the global columns C, with target rows
    /// softmax_j(S_ij/ε + log v_j) (masked, top-k when set) — the same formula as
    /// <see cref="BamLoss.Compute"/>, averaged over the slot's B images, so that the global loss is
    /// (1/W) Σ_w L_w.
    /// </summary>
    /// <remarks>
    /// z_w and C enter as separate leaves, so the two gradients are the two paths the chain rule
    /// takes through the global graph: ∂L_w/∂z_w (row side) stays on the slot, dL_w/dC goes to the
    /// aggregator. The loss is differentiated here, on detached copies: the encoder's backward runs
    /// once, in step 5, after the column gradients of all slots are in (see <see cref="SlotBackward"/>).
    /// </remarks>
    /// <param name="expected">This slot's step and index; a payload for another one is refused.</param>
    /// <param name="rows">z_w, the slot's normalised student rows (V·B × D, view-major), as made by
    /// <see cref="SlotEmbeddings.Normalize"/>; may carry autograd (it is detached here).</param>
    /// <param name="targets">The aggregator's payload for this step and slot.</param>
    /// <param name="options">The run's objective options (τ, views, top-k, teacher).</param>
    /// <param name="teacherRows">With an EMA teacher, the teacher's normalised rows of the same
    /// views (the ones sent in step 1); null otherwise.</param>
    public static SlotStepShare Compute(SlotStepId expected, Tensor rows, SlotTargets targets, BamOptions options, Tensor? teacherRows = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ProtocolGuards.RequireId(targets.Id, expected, nameof(SlotTargets), nameof(targets));
        var layout = targets.Layout;
        layout.RequireMatches(options, nameof(SlotTargets));
        CheckRows(rows, targets, layout, options, teacherRows);

        using var scope = NewDisposeScope();
        var z = rows.detach().requires_grad_(true);
        var columns = targets.Columns.detach();
        if (targets.ColumnsTakeGradient)
            columns.requires_grad_(true);
        var mask = layout.SlotMask(expected.Slot, rows.device);
        var similarities = z.mm(columns.t());

        Tensor targetRows;
        using (no_grad())
        {
            var targetCount = layout.TargetRowsPerSlot;
            // The Sinkhorn source of the single-process loss: the student's own similarities, or
            // the teacher's rows against the (teacher) columns.
            var source = teacherRows is null
                ? similarities.detach().narrow(0, 0, targetCount)
                : teacherRows.detach().narrow(0, 0, targetCount).mm(columns.t());
            targetRows = BalancedSinkhorn.TargetsFromLogColumnScales(source, mask.narrow(0, 0, targetCount),
                targets.Epsilon, targets.LogColumnScales);
            if (options.TopK > 0)
                targetRows = TopKTargets.Keep(targetRows, layout.GlobalViews, options.TopK);
        }

        var logQ = BamLoss.PredictionLogProbs(similarities, mask, options.Temperature);
        var loss = BamLoss.CrossEntropy(targetRows, logQ, mask, layout.GlobalViews, layout.Views, layout.BatchPerSlot);
        var inputs = targets.ColumnsTakeGradient ? new[] { z, columns } : new[] { z };
        var gradients = autograd.grad([loss], inputs);
        ColumnGradients? columnGradients = targets.ColumnsTakeGradient
            ? new ColumnGradients(expected, gradients[1].MoveToOuterDisposeScope())
            : null;
        return new SlotStepShare(expected, layout, loss.to_type(ScalarType.Float64).item<double>(),
            gradients[0].MoveToOuterDisposeScope(), columnGradients);
    }

    private static void CheckRows(Tensor rows, SlotTargets targets, SlotLayout layout, BamOptions options, Tensor? teacherRows)
    {
        var dim = targets.Columns.shape[1];
        NumericLimits.RequireMatrix(rows, nameof(rows));
        if (rows.shape[0] % layout.Views != 0)
            throw new ArgumentException(
                $"rows has {rows.shape[0]} rows, not a multiple of Views = {layout.Views}: pass the slot's V·B normalised rows, view-major.", nameof(rows));
        if (rows.shape[0] != layout.RowsPerSlot)
            throw new ArgumentException(
                $"rows has {rows.shape[0]} rows but the step has B = {layout.BatchPerSlot} images per slot, so V·B = {layout.RowsPerSlot}: pass the rows this slot sent in step 1.", nameof(rows));
        if (rows.shape[1] != dim)
            throw new ArgumentException(
                $"rows have D = {rows.shape[1]} but the columns have D = {dim}: every slot must run the same projector.", nameof(rows));
        ProtocolGuards.RequireSameKind(targets.Columns, rows, "the payload's columns", nameof(rows));

        if (options.UseEmaTeacher == targets.ColumnsTakeGradient)
            throw new ArgumentException(
                $"The payload's columns {(targets.ColumnsTakeGradient ? "are student rows" : "come from a teacher")} but this slot runs UseEmaTeacher = {options.UseEmaTeacher}: give the leader and the slots the same options.",
                nameof(options));
        if (options.UseEmaTeacher && teacherRows is null)
            throw new ArgumentException("UseEmaTeacher is set but no teacherRows were given: pass the teacher's normalised rows sent in step 1.", nameof(teacherRows));
        if (!options.UseEmaTeacher && teacherRows is not null)
            throw new ArgumentException("teacherRows were given but UseEmaTeacher is false: drop them or set UseEmaTeacher = true everywhere.", nameof(teacherRows));
        if (teacherRows is not null)
        {
            ProtocolGuards.RequireMatrix(teacherRows, rows.shape[0], rows.shape[1], nameof(teacherRows),
                "pass the teacher's normalised rows of the same V·B views, same D.");
            ProtocolGuards.RequireSameKind(rows, teacherRows, nameof(rows), nameof(teacherRows));
        }
    }
}
