using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>
/// Optional sparsification of the BAM targets: keep, for each image, only the k columns it
/// attends to most. The columns are chosen once per image on the average of its global views,
/// so all views of an image are pushed towards the same neighbours.
/// </summary>
public static class TopKTargets
{
    /// <summary>
    /// Keep the top-k columns per image and renormalise every row to sum 1 (rows that end up
    /// all zero stay zero).
    /// </summary>
    /// <param name="targets">G·B × K targets of the global views, view-major (row t·B + b).</param>
    /// <param name="globalViews">G, the number of row blocks.</param>
    /// <param name="k">Columns to keep, 1 ≤ k ≤ K.</param>
    public static Tensor Keep(Tensor targets, int globalViews, int k)
    {
        NumericLimits.RequireMatrix(targets, nameof(targets));
        if (globalViews < 1 || targets.shape[0] % globalViews != 0)
            throw new ArgumentException(
                $"targets has {targets.shape[0]} rows, not a multiple of globalViews = {globalViews}: pass the G·B rows of the global views.", nameof(targets));
        var columns = targets.shape[1];
        if (k < 1 || k > columns)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, {columns}] (K columns): lower TopK or set it to 0 to keep all columns.");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = targets.shape[0] / globalViews;
        var average = targets.detach().view(globalViews, batch, columns).mean([0]);
        var top = average.topk(k, dim: 1).indexes;
        var keep = zeros_like(average).scatter_(1, top, ones_like(top, dtype: targets.dtype)).repeat(globalViews, 1);
        return RenormalizeRows(targets.detach().mul(keep)).MoveToOuterDisposeScope();
    }

    /// <summary>Each row divided by its sum; rows summing to 0 stay 0 instead of 0/0 = NaN.</summary>
    internal static Tensor RenormalizeRows(Tensor p)
    {
        using var scope = NewDisposeScope();
        var sums = p.sum(1, keepdim: true);
        var positive = sums.gt(0);
        var safe = where(positive, sums, ones_like(sums));
        return where(positive, p.div(safe), zeros_like(p)).MoveToOuterDisposeScope();
    }
}
