using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>The gather/split geometry against the index formulas written out by hand.</summary>
public sealed class SlotLayoutTests
{
    private static readonly SlotLayout Layout = new(slots: 3, batchPerSlot: 2, views: 4, globalViews: 2, targetViews: 2);

    /// <summary>Rows whose value is their own global index make every misplacement visible.</summary>
    private static Tensor Indexed(long rows) => arange(rows, dtype: ScalarType.Float64).unsqueeze(1).repeat(1, 3);

    [Fact]
    public void Gathered_row_of_slot_w_view_v_image_b_is_v_BW_plus_wB_plus_b()
    {
        using var scope = NewDisposeScope();
        var global = Indexed(Layout.GlobalRows);
        var blocks = Enumerable.Range(0, Layout.Slots).Select(w => SlotBlock(global, Layout.Views, Layout.Slots, w)).ToList();
        // The hand-written split picks global row v·6 + w·2 + b for slot w's row v·2 + b.
        Assert.Equal(1 * 6 + 2 * 2 + 1, blocks[2][1 * 2 + 1, 0].item<double>());
        Assert.True(BitEqual(Layout.GatherRows(blocks), global));
        for (var w = 0; w < Layout.Slots; w++)
            Assert.True(BitEqual(Layout.SlotRows(global, w), blocks[w]), $"SlotRows({w}) is not slot {w}'s block");
    }

    [Fact]
    public void Own_columns_of_slot_w_are_t_BW_plus_wB_plus_b_in_slot_row_order()
    {
        using var scope = NewDisposeScope();
        var columns = Indexed(Layout.Columns);
        for (var w = 0; w < Layout.Slots; w++)
        {
            var own = Layout.OwnColumnRows(columns, w);
            Assert.Equal([Layout.OwnColumns, 3], own.shape);
            for (var t = 0; t < Layout.TargetViews; t++)
                for (var b = 0; b < Layout.BatchPerSlot; b++)
                    Assert.Equal(t * 6 + w * 2 + b, own[t * 2 + b, 0].item<double>());
        }
    }

    /// <summary>The aggregator's one-slot mask over B·W images is the slots' masks stacked in
    /// gathered order, and slot w's own columns are exactly where its rows are masked.</summary>
    [Fact]
    public void Global_mask_is_the_slot_masks_in_gathered_order()
    {
        using var scope = NewDisposeScope();
        var global = Layout.GlobalMask().to_type(ScalarType.Float64);
        var slotMasks = Enumerable.Range(0, Layout.Slots).Select(w => Layout.SlotMask(w).to_type(ScalarType.Float64)).ToList();
        Assert.True(BitEqual(Layout.GatherRows(slotMasks), global));
        var ownColumnsOfRowZero = slotMasks[1][0].nonzero().flatten().data<long>().ToArray();
        Assert.Equal([0 * 6 + 1 * 2 + 0, 1 * 6 + 1 * 2 + 0], ownColumnsOfRowZero);
    }

    [Fact]
    public void Sizes_follow_the_notation()
    {
        Assert.Equal(6, Layout.GlobalBatch);
        Assert.Equal(8, Layout.RowsPerSlot);
        Assert.Equal(4, Layout.TargetRowsPerSlot);
        Assert.Equal(24, Layout.GlobalRows);
        Assert.Equal(12, Layout.Columns);
        Assert.Equal(4, Layout.OwnColumns);
        Assert.Equal(Layout, SlotLayout.For(new BamOptions { LocalViews = 2 }, 3, 2));
    }
}
