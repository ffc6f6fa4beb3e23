using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>
/// The positive mask of BAM: which (row, column) pairs of the attention matrix are views of the
/// same image. Those entries are removed from both the targets and the predictions, because
/// "attend to yourself" is trivially satisfied and would swamp the signal about other images.
/// </summary>
public static class SameImageMask
{
    /// <summary>
    /// The mask rows of one slot: bool [V·B, T·B·W], true where the column is a view of the row's
    /// own image.
    /// </summary>
    /// <remarks>
    /// Rows are the slot's views, view-major: row v·B + b. Columns are the first T views of every
    /// image of the global batch, view-major over the global batch: column t·(B·W) + w·B + b.
    /// Hence row (v, b) of slot w is masked exactly at columns t·(B·W) + w·B + b for t &lt; T.
    /// With one slot (W = 1) this is the whole mask.
    /// </remarks>
    /// <param name="batchPerSlot">Images per slot, B.</param>
    /// <param name="views">Views per image, V (all row views are masked alike).</param>
    /// <param name="slots">Slots whose columns are gathered, W.</param>
    /// <param name="slotIndex">Which slot's rows to build, 0 ≤ w &lt; W.</param>
    /// <param name="targetViews">Column views per image, T ≤ V.</param>
    /// <param name="device">Where to allocate the mask; CPU when null.</param>
    public static Tensor Build(int batchPerSlot, int views, int slots, int slotIndex, int targetViews, Device? device = null)
    {
        if (batchPerSlot < 1)
            throw new ArgumentOutOfRangeException(nameof(batchPerSlot), batchPerSlot, "batchPerSlot must be ≥ 1: pass the number of images per slot.");
        if (views < 1)
            throw new ArgumentOutOfRangeException(nameof(views), views, "views must be ≥ 1: pass GlobalViews + LocalViews.");
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "slots must be ≥ 1: pass the number of slots whose columns are gathered (1 when not distributed).");
        if (slotIndex < 0 || slotIndex >= slots)
            throw new ArgumentOutOfRangeException(nameof(slotIndex), slotIndex, $"slotIndex must be in [0, {slots - 1}]: pass this slot's position in the gathered batch.");
        if (targetViews < 1 || targetViews > views)
            throw new ArgumentOutOfRangeException(nameof(targetViews), targetViews, $"targetViews must be in [1, {views}]: the columns are the first T of the V views.");

        using var scope = NewDisposeScope();
        long globalBatch = (long)batchPerSlot * slots;
        // Global image index of every row and every column; the mask is their equality.
        var rowImage = arange(views * (long)batchPerSlot, dtype: ScalarType.Int64, device: device)
            .remainder(batchPerSlot).add_(slotIndex * (long)batchPerSlot);
        var columnImage = arange(targetViews * globalBatch, dtype: ScalarType.Int64, device: device)
            .remainder(globalBatch);
        return rowImage.unsqueeze(1).eq(columnImage.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
