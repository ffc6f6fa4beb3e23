using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

public sealed class SameImageMaskTests
{
    [Fact]
    public void Single_slot_marks_every_view_of_the_own_image()
    {
        using var scope = NewDisposeScope();
        const int batch = 3, views = 4, targetViews = 2;
        var mask = SameImageMask.Build(batch, views, 1, 0, targetViews);
        Assert.Equal(ScalarType.Bool, mask.dtype);
        Assert.Equal([views * batch, targetViews * batch], mask.shape);
        for (var v = 0; v < views; v++)
        for (var b = 0; b < batch; b++)
        for (var t = 0; t < targetViews; t++)
        for (var c = 0; c < batch; c++)
            Assert.Equal(b == c, mask[v * batch + b, t * batch + c].item<bool>());
    }

    /// <summary>With W slots the columns span the global batch (t·B·W + w·B + b) and slot w's rows
    /// are masked only at its own images' columns.</summary>
    [Fact]
    public void Multi_slot_rows_are_masked_at_their_own_global_columns()
    {
        using var scope = NewDisposeScope();
        const int batch = 2, views = 3, slots = 3, targetViews = 2;
        var perSlot = Enumerable.Range(0, slots).Select(w => SameImageMask.Build(batch, views, slots, w, targetViews)).ToList();
        foreach (var m in perSlot)
            Assert.Equal([views * batch, targetViews * batch * slots], m.shape);

        for (var w = 0; w < slots; w++)
        for (var v = 0; v < views; v++)
        for (var b = 0; b < batch; b++)
        {
            var row = perSlot[w][v * batch + b];
            var expected = new HashSet<long>(Enumerable.Range(0, targetViews).Select(t => (long)(t * batch * slots + w * batch + b)));
            var actual = nonzero(row).flatten().data<long>().ToHashSet();
            Assert.Equal(expected, actual);
        }

        // Stacked, every column is masked once per view of its image: V times in total.
        var stacked = cat(perSlot.ToArray(), 0);
        Assert.True(stacked.sum(0, keepdim: false).eq(views).all().item<bool>());
    }

    [Fact]
    public void Rejects_inconsistent_sizes()
    {
        Assert.Contains("slotIndex", Assert.Throws<ArgumentOutOfRangeException>(() => SameImageMask.Build(2, 2, 2, 2, 2)).Message);
        Assert.Contains("targetViews", Assert.Throws<ArgumentOutOfRangeException>(() => SameImageMask.Build(2, 2, 1, 0, 3)).Message);
        Assert.Contains("batchPerSlot", Assert.Throws<ArgumentOutOfRangeException>(() => SameImageMask.Build(0, 2, 1, 0, 2)).Message);
    }
}
