using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Where each slot's rows and columns sit in the global batch of one step. W slots of B images,
/// V views per image (G global first), T target views:
/// <list type="bullet">
/// <item>slot w's row v·B + b is global row v·(B·W) + w·B + b (view-major over the global batch,
/// exactly the order <see cref="BamLoss.Compute"/> sees on the concatenated batch);</item>
/// <item>global column t·(B·W) + w·B + b (t &lt; T) is slot w's row t·B + b, so slot w owns
/// T·B of the K = T·B·W columns.</item>
/// </list>
/// </summary>
/// <remarks>All slots must hold the same B: the masks and the column order assume it. A smaller
/// last slot must be padded or the batch re-split, never sent ragged.</remarks>
public sealed record SlotLayout
{
    public SlotLayout(int slots, int batchPerSlot, int views, int globalViews, int targetViews)
    {
        ProtocolGuards.RequireSlotCount(slots);
        if (batchPerSlot < 1)
            throw new ArgumentOutOfRangeException(nameof(batchPerSlot), batchPerSlot, "batchPerSlot must be ≥ 1: pass B, the images each slot holds.");
        if (globalViews < 1 || views < globalViews)
            throw new ArgumentException($"Need 1 ≤ globalViews ≤ views, got globalViews = {globalViews}, views = {views}: pass GlobalViews and GlobalViews+LocalViews.");
        if (targetViews < 1 || targetViews > views)
            throw new ArgumentOutOfRangeException(nameof(targetViews), targetViews, $"targetViews must be in [1, {views}]: the columns are the first T of the V views.");
        Slots = slots;
        BatchPerSlot = batchPerSlot;
        Views = views;
        GlobalViews = globalViews;
        TargetViews = targetViews;
    }

    /// <summary>The layout of a step with these objective options.</summary>
    public static SlotLayout For(BamOptions options, int slots, int batchPerSlot)
    {
        ProtocolGuards.RequireOptions(options);
        return new SlotLayout(slots, batchPerSlot, options.Views, options.GlobalViews, options.TargetViews);
    }

    /// <summary>W.</summary>
    public int Slots { get; }

    /// <summary>B, images per slot.</summary>
    public int BatchPerSlot { get; }

    /// <summary>V = G + L.</summary>
    public int Views { get; }

    /// <summary>G.</summary>
    public int GlobalViews { get; }

    /// <summary>T.</summary>
    public int TargetViews { get; }

    /// <summary>B·W images in the step.</summary>
    public long GlobalBatch => (long)BatchPerSlot * Slots;

    /// <summary>V·B rows of one slot.</summary>
    public long RowsPerSlot => (long)Views * BatchPerSlot;

    /// <summary>G·B target rows of one slot.</summary>
    public long TargetRowsPerSlot => (long)GlobalViews * BatchPerSlot;

    /// <summary>N = V·B·W rows of the step.</summary>
    public long GlobalRows => RowsPerSlot * Slots;

    /// <summary>K = T·B·W attention columns of the step.</summary>
    public long Columns => (long)TargetViews * GlobalBatch;

    /// <summary>T·B columns that are one slot's own rows (its first T·B rows).</summary>
    public long OwnColumns => (long)TargetViews * BatchPerSlot;

    /// <summary>Throws unless these options describe the same views as this layout (the leader and
    /// the slots must run one configuration).</summary>
    public void RequireMatches(BamOptions options, string payload)
    {
        ProtocolGuards.RequireOptions(options);
        if (options.Views != Views || options.GlobalViews != GlobalViews || options.TargetViews != TargetViews)
            throw new ArgumentException(
                $"{payload} was built for V = {Views}, G = {GlobalViews}, T = {TargetViews} but this slot runs V = {options.Views}, G = {options.GlobalViews}, T = {options.TargetViews}: give the leader and every slot the same objective options.",
                nameof(options));
        if (options.TopK > Columns)
            throw new ArgumentException(
                $"TopK = {options.TopK} exceeds the {Columns} attention columns of the global batch (T·B·W = {TargetViews}·{BatchPerSlot}·{Slots}): set TopK ≤ {Columns} or 0.",
                nameof(options));
    }

    /// <summary>
    /// The N × D global rows from the slots' V·B × D blocks, given in slot order: slot w's row
    /// v·B + b lands on row v·(B·W) + w·B + b.
    /// </summary>
    public Tensor GatherRows(IReadOnlyList<Tensor> slotRows)
    {
        ArgumentNullException.ThrowIfNull(slotRows);
        if (slotRows.Count != Slots)
            throw new ArgumentException($"Got {slotRows.Count} row blocks for {Slots} slots: pass one V·B × D block per slot, in slot order.", nameof(slotRows));
        var dim = slotRows[0].shape[^1];
        for (var w = 0; w < Slots; w++)
            ProtocolGuards.RequireMatrix(slotRows[w], RowsPerSlot, dim, $"slotRows[{w}]", "every slot sends V·B rows of the same width D.");
        using var scope = NewDisposeScope();
        // [W, V, B, D] → [V, W, B, D]: view-major over the global batch.
        return stack(slotRows, 0).view(Slots, Views, BatchPerSlot, dim).permute(1, 0, 2, 3)
            .reshape(GlobalRows, dim).MoveToOuterDisposeScope();
    }

    /// <summary>Slot <paramref name="slot"/>'s V·B × D block of the N × D global rows (the inverse
    /// of <see cref="GatherRows"/>).</summary>
    public Tensor SlotRows(Tensor globalRows, int slot)
    {
        RequireSlot(slot);
        ProtocolGuards.RequireMatrix(globalRows, GlobalRows, globalRows.shape[^1], nameof(globalRows), "pass the N = V·B·W global rows.");
        using var scope = NewDisposeScope();
        return globalRows.view(Views, Slots, BatchPerSlot, -1).select(1, slot)
            .reshape(RowsPerSlot, globalRows.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Slot <paramref name="slot"/>'s T·B rows of a K × D column-indexed matrix (columns
    /// t·(B·W) + w·B + b), in the slot's own row order t·B + b.
    /// </summary>
    public Tensor OwnColumnRows(Tensor columnMatrix, int slot)
    {
        RequireSlot(slot);
        ProtocolGuards.RequireMatrix(columnMatrix, Columns, columnMatrix.shape[^1], nameof(columnMatrix), "pass a K × D matrix indexed by global column.");
        using var scope = NewDisposeScope();
        return columnMatrix.view(TargetViews, Slots, BatchPerSlot, -1).select(1, slot)
            .reshape(OwnColumns, columnMatrix.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>Slot <paramref name="slot"/>'s V·B × K rows of the same-image mask.</summary>
    public Tensor SlotMask(int slot, Device? device = null)
    {
        RequireSlot(slot);
        return SameImageMask.Build(BatchPerSlot, Views, Slots, slot, TargetViews, device);
    }

    /// <summary>The N × K mask of the whole step: one "slot" of B·W images has the same row and
    /// column order as the gathered batch.</summary>
    public Tensor GlobalMask(Device? device = null) =>
        SameImageMask.Build(checked((int)GlobalBatch), Views, 1, 0, TargetViews, device);

    private void RequireSlot(int slot)
    {
        if (slot < 0 || slot >= Slots)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be in [0, {Slots - 1}]: this step has W = {Slots} slots.");
    }
}
