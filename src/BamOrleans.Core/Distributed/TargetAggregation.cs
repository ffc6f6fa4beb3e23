using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 2, on the aggregator (leader): gather every slot's rows, run Sinkhorn once on the global
/// batch, and give each slot a <see cref="SlotTargets"/>.
/// </summary>
public static class TargetAggregation
{
    /// <summary>
    /// The per-slot target payloads of one step, index w for slot w.
    /// </summary>
    /// <remarks>
    /// Rows are placed by <see cref="SlotEmbeddings.Id"/>, not by arrival order, so the result
    /// does not depend on which slot answered first. With all N rows the aggregator builds
    /// C = the first K global rows, S = rows·Cᵀ (N × K) and the global mask, and computes log v
    /// with <see cref="BalancedSinkhorn.LogColumnScales"/> — the same rounds over the same matrix
    /// as <see cref="BamLoss.Compute"/> on the concatenated batch, local views included (they
    /// take part in the column balance even though they are not targets).
    /// </remarks>
    /// <param name="gathered">One message per slot, any order; all for <paramref name="step"/>.</param>
    /// <param name="options">Objective options; <see cref="BamOptions.UseEmaTeacher"/> decides
    /// whether teacher or student rows are expected.</param>
    /// <param name="epsilon">This step's ε (e.g. <c>options.EpsilonSchedule.At(epoch)</c>).</param>
    /// <param name="step">The step being aggregated.</param>
    /// <param name="slots">W, the slots of this step.</param>
    public static IReadOnlyList<SlotTargets> Scatter(
        IReadOnlyList<SlotEmbeddings> gathered, BamOptions options, double epsilon, long step, int slots)
    {
        var (layout, ordered) = Check(gathered, options, epsilon, step, slots);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = layout.GatherRows(ordered.Select(m => m.Rows).ToList());
        // A copy, so the N × D gathered rows can be freed once the scales are known.
        var columns = rows.narrow(0, 0, layout.Columns).clone();
        var similarities = rows.mm(columns.t());
        var logScales = BalancedSinkhorn.LogColumnScales(similarities, layout.GlobalMask(rows.device), epsilon,
            options.SinkhornIterations, options.TargetViews);
        var takesGradient = !options.UseEmaTeacher;
        var result = new SlotTargets[slots];
        for (var w = 0; w < slots; w++)
        {
            // Each payload gets its own handles on the shared storage, so disposing one slot's
            // payload never frees another's.
            result[w] = new SlotTargets(new SlotStepId(step, w), layout, epsilon, takesGradient,
                columns.detach().MoveToOuterDisposeScope(), logScales.detach().MoveToOuterDisposeScope());
        }
        return result;
    }

    private static (SlotLayout Layout, SlotEmbeddings[] Ordered) Check(
        IReadOnlyList<SlotEmbeddings> gathered, BamOptions options, double epsilon, long step, int slots)
    {
        ArgumentNullException.ThrowIfNull(gathered);
        ProtocolGuards.RequireOptions(options);
        ProtocolGuards.RequireSlotCount(slots);
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite: take it from options.EpsilonSchedule.At(epoch).");
        if (gathered.Count != slots)
            throw new ArgumentException(
                $"Got {gathered.Count} slot embeddings but the step has W = {slots} slots: wait for every slot's rows (or re-plan the step with the slots that answered).",
                nameof(gathered));
        var expectedSource = options.UseEmaTeacher ? EmbeddingSource.Teacher : EmbeddingSource.Student;
        var ordered = new SlotEmbeddings[slots];
        foreach (var message in gathered)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(gathered));
            if (message.Id.Step != step)
                throw new ArgumentException(
                    $"Slot {message.Id.Slot} sent rows for step {message.Id.Step} but the aggregator is at step {step}: they belong to another step; drop them and wait for step {step}'s.",
                    nameof(gathered));
            if (message.Id.Slot < 0 || message.Id.Slot >= slots)
                throw new ArgumentException(
                    $"Rows came from slot {message.Id.Slot} but the step has W = {slots} slots (0 … {slots - 1}): check the slot count given to the aggregator.",
                    nameof(gathered));
            if (ordered[message.Id.Slot] is not null)
                throw new ArgumentException($"Slot {message.Id.Slot} sent rows twice for step {step}: keep one message per slot.", nameof(gathered));
            if (message.Source != expectedSource)
                throw new ArgumentException(
                    $"Slot {message.Id.Slot} sent {message.Source} rows but UseEmaTeacher = {options.UseEmaTeacher} needs {expectedSource} rows: give the leader and the slots the same options.",
                    nameof(gathered));
            ordered[message.Id.Slot] = message;
        }

        var first = ordered[0].Rows;
        for (var w = 0; w < slots; w++)
        {
            var rows = ordered[w].Rows;
            if (rows.shape[0] % options.Views != 0)
                throw new ArgumentException(
                    $"Slot {w} sent {rows.shape[0]} rows, not a multiple of Views = {options.Views}: each slot sends V·B rows, view-major.",
                    nameof(gathered));
            if (rows.shape[1] != first.shape[1])
                throw new ArgumentException(
                    $"Slot {w} sent rows of width D = {rows.shape[1]} but slot 0 sent D = {first.shape[1]}: every slot must run the same projector.",
                    nameof(gathered));
            if (rows.shape[0] != first.shape[0])
                throw new ArgumentException(
                    $"Slot {w} sent {rows.shape[0]} rows but slot 0 sent {first.shape[0]}: every slot must hold the same B images per step (pad or re-split the global batch).",
                    nameof(gathered));
            ProtocolGuards.RequireSameKind(first, rows, "slot 0's rows", $"slot {w}'s rows");
        }
        var layout = SlotLayout.For(options, slots, checked((int)(first.shape[0] / options.Views)));
        if (options.TopK > layout.Columns)
            throw new ArgumentException(
                $"TopK = {options.TopK} exceeds the {layout.Columns} attention columns of the global batch (T·B·W): set TopK ≤ {layout.Columns} or 0.",
                nameof(options));
        return (layout, ordered);
    }
}
