using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

public sealed class TopKTargetsTests
{
    [Fact]
    public void Keeps_the_same_k_columns_in_every_global_view_and_renormalizes()
    {
        using var scope = NewDisposeScope();
        const int batch = 8, k = 3;
        var (s, mask) = Inputs.Attention(batch, 4, 2, 16, seed: 23);
        var all = BalancedSinkhorn.Targets(s, mask, 0.05, 3, 2);
        var targets = all.narrow(0, 0, 2 * batch);
        var kept = TopKTargets.Keep(targets, 2, k);

        var nonZero = kept.gt(0);
        Assert.Equal(k, (int)nonZero.sum(1).min().item<long>());
        Assert.Equal(k, (int)nonZero.sum(1).max().item<long>());
        Assert.True(nonZero.narrow(0, 0, batch).eq(nonZero.narrow(0, batch, batch)).all().item<bool>(), "the two global views keep different columns");
        Assert.True(Inputs.Max(kept.sum(1).sub(1).abs()) < 1e-12);

        // The kept columns are the k largest of the per-image average of the two views.
        var average = targets.narrow(0, 0, batch).add(targets.narrow(0, batch, batch)).div(2);
        var kthLargest = average.topk(k, dim: 1).values.narrow(1, k - 1, 1);
        var droppedMax = average.masked_fill(nonZero.narrow(0, 0, batch), -1).max(1).values.unsqueeze(1);
        Assert.True(droppedMax.le(kthLargest).all().item<bool>(), "a dropped column beats a kept one");

        // Kept entries are the original ones up to one per-row factor.
        var ratio = kept.div(targets).masked_select(nonZero).view(2 * batch, k);
        Assert.True(Inputs.Max(ratio.sub(ratio.narrow(1, 0, 1)).abs()) < 1e-12);
    }

    [Fact]
    public void Rejects_k_outside_the_columns_and_rows_not_split_by_views()
    {
        using var scope = NewDisposeScope();
        var targets = full(6, 4, 0.25, dtype: ScalarType.Float64);
        Assert.Contains("TopK", Assert.ThrowsAny<ArgumentException>(() => TopKTargets.Keep(targets, 2, 5)).Message);
        Assert.ThrowsAny<ArgumentException>(() => TopKTargets.Keep(targets, 2, 0));
        Assert.Contains("globalViews", Assert.ThrowsAny<ArgumentException>(() => TopKTargets.Keep(targets, 4, 2)).Message);
    }
}
