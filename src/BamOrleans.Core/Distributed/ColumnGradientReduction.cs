using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 4, on the aggregator: Σ_w dL_w/dC over the slots, each slot's own T·B columns of it sent
/// back. This is the backward of the differentiable all-gather of the official code (a
/// reduce-scatter).
/// </summary>
public static class ColumnGradientReduction
{
    /// <summary>Per slot w (index w), the summed column gradient of its own columns.</summary>
    /// <remarks>The sum runs in slot order whatever order the messages came in, so every run of a
    /// step gives the same bits.</remarks>
    /// <param name="fromSlots">One <see cref="ColumnGradients"/> per slot, any order.</param>
    /// <param name="options">The run's objective options (for T).</param>
    /// <param name="step">The step being reduced.</param>
    /// <param name="slots">W.</param>
    public static IReadOnlyList<OwnColumnGradients> Reduce(IReadOnlyList<ColumnGradients> fromSlots, BamOptions options, long step, int slots)
    {
        ArgumentNullException.ThrowIfNull(fromSlots);
        ProtocolGuards.RequireOptions(options);
        ProtocolGuards.RequireSlotCount(slots);
        if (options.UseEmaTeacher)
            throw new InvalidOperationException(
                "UseEmaTeacher is set: the columns are the teacher's and receive no gradient, so there is nothing to reduce; skip step 4 and pass null to SlotBackward.");
        if (fromSlots.Count != slots)
            throw new ArgumentException(
                $"Got column gradients from {fromSlots.Count} slots but the step has W = {slots}: every slot's gradient is needed, since each touches every column.",
                nameof(fromSlots));
        var ordered = new ColumnGradients[slots];
        foreach (var message in fromSlots)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(fromSlots));
            if (message.Id.Step != step)
                throw new ArgumentException(
                    $"Slot {message.Id.Slot} sent column gradients for step {message.Id.Step} but the aggregator is reducing step {step}: they belong to another step; drop them.",
                    nameof(fromSlots));
            if (message.Id.Slot < 0 || message.Id.Slot >= slots)
                throw new ArgumentException(
                    $"Column gradients came from slot {message.Id.Slot} but the step has W = {slots} slots (0 … {slots - 1}): check the slot count.", nameof(fromSlots));
            if (ordered[message.Id.Slot] is not null)
                throw new ArgumentException($"Slot {message.Id.Slot} sent column gradients twice for step {step}: keep one message per slot.", nameof(fromSlots));
            ordered[message.Id.Slot] = message;
        }

        var first = ordered[0].Gradient;
        NumericLimits.RequireMatrix(first, "slot 0's column gradients");
        long columns = first.shape[0], dim = first.shape[1];
        var perImage = (long)options.TargetViews * slots;
        if (columns == 0 || columns % perImage != 0)
            throw new ArgumentException(
                $"Column gradients have {columns} rows, not a positive multiple of T·W = {options.TargetViews}·{slots}: send dL/dC for all K = T·B·W columns.",
                nameof(fromSlots));
        for (var w = 1; w < slots; w++)
        {
            ProtocolGuards.RequireMatrix(ordered[w].Gradient, columns, dim, $"slot {w}'s column gradients",
                $"every slot sends K × D = [{columns}, {dim}] like slot 0.");
            ProtocolGuards.RequireSameKind(first, ordered[w].Gradient, "slot 0's column gradients", $"slot {w}'s column gradients");
        }
        var layout = SlotLayout.For(options, slots, checked((int)(columns / perImage)));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = first.detach().clone();
        for (var w = 1; w < slots; w++)
            sum.add_(ordered[w].Gradient);
        var result = new OwnColumnGradients[slots];
        for (var w = 0; w < slots; w++)
            result[w] = new OwnColumnGradients(new SlotStepId(step, w), layout.OwnColumnRows(sum, w).MoveToOuterDisposeScope());
        return result;
    }
}
