using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 5, on the slot: the gradient to back-propagate from z_w into the encoder.
/// </summary>
/// <remarks>
/// <para><b>Scaling.</b> The global loss is L = (1/W) Σ_w L_w, and z_w's rows reach L along two
/// paths: as rows of slot w's share, and (first T·B rows, without a teacher) as columns of every
/// share. So
/// <code>
/// ∂L/∂z_w = (1/W) · ( ∂L_w/∂z_w|rows + [ Σ_w' dL_w'/dC ]_{own columns} ).
/// </code>
/// Each slot's parameter gradient is J_wᵀ·g_w (J_w: Jacobian of its rows w.r.t. the shared
/// parameters), and DDP averages them: (1/W) Σ_w J_wᵀ g_w. The single-process gradient is
/// Σ_w J_wᵀ ∂L/∂z_w. They are equal for every encoder exactly when g_w = W·∂L/∂z_w, i.e.
/// <code>
/// g_w = ∂L_w/∂z_w|rows + [ Σ_w' dL_w'/dC ]_{own columns}     (factor 1: the W cancels the 1/W)
/// </code>
/// which is what <see cref="EmbeddingGradient"/> returns. If the slots' parameter gradients were
/// summed instead of averaged, g_w would have to be divided by W.</para>
/// </remarks>
public static class SlotBackward
{
    /// <summary>
    /// g_w (V·B × D): the share's row gradient plus, on its first T·B rows, the summed column
    /// gradient of its own columns. Pass it to <c>z_w.backward(g_w)</c>, then average the
    /// parameter gradients over the slots.
    /// </summary>
    /// <param name="share">This slot's result of <see cref="SlotObjective.Compute"/>.</param>
    /// <param name="returned">This slot's result of <see cref="ColumnGradientReduction.Reduce"/>;
    /// null exactly when the share has no column gradients (EMA teacher).</param>
    public static Tensor EmbeddingGradient(SlotStepShare share, OwnColumnGradients? returned)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (share.ColumnGradients is null)
        {
            if (returned is not null)
                throw new ArgumentException(
                    "Column gradients were returned but this share has none (EMA teacher: the columns get no gradient): pass null.", nameof(returned));
            using var teacherScope = NewDisposeScope();
            return share.RowGradient.detach().clone().MoveToOuterDisposeScope();
        }
        if (returned is null)
            throw new ArgumentException(
                "This share's columns take gradient (no EMA teacher) but no column gradients were returned: wait for the aggregator's reduction of this step.",
                nameof(returned));
        ProtocolGuards.RequireId(returned.Id, share.Id, nameof(OwnColumnGradients), nameof(returned));
        return EmbeddingGradient(share.RowGradient, share.Layout, returned.Gradient);
    }

    /// <summary>
    /// g_w from its parts: <paramref name="rowGradient"/> (V·B × D) plus, on its first T·B rows,
    /// <paramref name="ownColumnGradient"/> (T·B × D, the slot's part of the summed column
    /// gradient). The tensor-level form of the overload above, for callers holding bare tensors.
    /// </summary>
    public static Tensor EmbeddingGradient(Tensor rowGradient, SlotLayout layout, Tensor ownColumnGradient)
    {
        ArgumentNullException.ThrowIfNull(rowGradient);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(ownColumnGradient);
        ProtocolGuards.RequireMatrix(ownColumnGradient, layout.OwnColumns, rowGradient.shape[1], "the returned column gradient",
            "pass the T·B × D gradient of this slot's own columns from ColumnGradientReduction.");
        ProtocolGuards.RequireSameKind(rowGradient, ownColumnGradient, "the row gradient", "the returned column gradient");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var total = rowGradient.detach().clone();
        // Rows t·B + b, t < T, are this slot's columns, in the same order as the returned block.
        total.narrow(0, 0, layout.OwnColumns).add_(ownColumnGradient);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// z_w.backward(g_w) with g_w from <see cref="EmbeddingGradient"/>: accumulates this slot's
    /// parameter gradients, ready to be averaged across the slots.
    /// </summary>
    /// <param name="rows">z_w, the normalised rows with autograd (the tensor the slot kept from
    /// <see cref="SlotEmbeddings.Normalize"/>).</param>
    public static void Backward(Tensor rows, SlotStepShare share, OwnColumnGradients? returned)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(share);
        if (!rows.requires_grad)
            throw new ArgumentException("rows do not require grad: pass the normalised rows with their autograd graph (not the detached copy sent in step 1).", nameof(rows));
        if (!rows.shape.SequenceEqual(share.RowGradient.shape))
            throw new ArgumentException(
                $"rows have shape {ProtocolGuards.Shape(rows)} but this share's rows are {ProtocolGuards.Shape(share.RowGradient)}: pass the rows the share was computed from.",
                nameof(rows));
        using var scope = NewDisposeScope();
        var gradient = EmbeddingGradient(share, returned);
        rows.backward([gradient]);
    }
}
