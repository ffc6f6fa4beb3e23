using BamOrleans.Core.Distributed;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>How a flattened gradient is cut for the sharded average.</summary>
public sealed class GradientShardingTests
{
    /// <summary>The plan's promises: contiguous cover of [0, total) without overlap, lengths
    /// within one of each other (longer first), at least min(W, total) slices, none over the cap,
    /// and no more slices than the larger of those two needs.</summary>
    private static void AssertValidPlan(IReadOnlyList<(long Offset, int Length)> plan, long total, int slots, int cap)
    {
        var what = $"Plan({total}, {slots}, {cap})";
        Assert.NotEmpty(plan);
        long next = 0;
        foreach (var (offset, length) in plan)
        {
            Assert.True(offset == next, $"{what}: slice at {offset}, expected {next}");
            Assert.True(length >= 1, $"{what}: empty slice at {offset}");
            Assert.True(length <= cap, $"{what}: slice of {length} over the cap");
            next = offset + length;
        }
        Assert.True(next == total, $"{what}: covers [0, {next}), not [0, {total})");
        var lengths = plan.Select(s => s.Length).ToArray();
        Assert.True(lengths.Max() - lengths.Min() <= 1, $"{what}: lengths {lengths.Min()}..{lengths.Max()}");
        Assert.Equal(lengths.OrderByDescending(l => l), lengths);
        var expectedCount = Math.Max((total + cap - 1) / cap, Math.Min(slots, total));
        Assert.True(plan.Count == expectedCount, $"{what}: {plan.Count} slices, expected {expectedCount}");
    }

    [Fact]
    public void Slices_are_contiguous_balanced_capped_and_at_least_one_per_slot()
    {
        foreach (var total in new long[] { 1, 2, 3, 7, 10, 16, 31, 100, 1001 })
            foreach (var slots in new[] { 1, 2, 3, 4, 8, 64 })
                foreach (var cap in new[] { 1, 2, 3, 7, 64, GradientSharding.DefaultMaxSliceLength })
                    AssertValidPlan(GradientSharding.Plan(total, slots, cap), total, slots, cap);
    }

    [Fact]
    public void Written_out_examples()
    {
        Assert.Equal([(0L, 4), (4L, 3), (7L, 3)], GradientSharding.Plan(10, 3));
        Assert.Equal([(0L, 1), (1L, 1)], GradientSharding.Plan(2, 5)); // fewer elements than slots: one each
        Assert.Equal([(0L, 10)], GradientSharding.Plan(10, 1));
        // The cap forces more slices than slots: 10 elements, at most 3 each.
        Assert.Equal([(0L, 3), (3L, 3), (6L, 2), (8L, 2)], GradientSharding.Plan(10, 2, 3));
        Assert.Equal(4, GradientSharding.Plan(10, 1, 3).Count);
        Assert.Equal(5, GradientSharding.Plan(10, 5, 3).Count); // W wins when it asks for more
    }

    [Fact]
    public void A_model_larger_than_the_default_cap_is_split_under_it()
    {
        // ResNet-50 size: ~25.6 M parameters, ~100 MB of float32.
        const long total = 25_557_032;
        var plan = GradientSharding.Plan(total, slots: 2);
        Assert.Equal(7, plan.Count); // ⌈25 557 032 / 4 194 304⌉
        AssertValidPlan(plan, total, 2, GradientSharding.DefaultMaxSliceLength);
        Assert.All(plan, s => Assert.True(s.Length * sizeof(float) <= 16 << 20));
    }

    [Fact]
    public void Every_slot_computes_the_same_plan()
    {
        Assert.Equal(GradientSharding.Plan(123_457, 6, 1000), GradientSharding.Plan(123_457, 6, 1000));
    }

    [Theory]
    [InlineData(0L, 2, 10, "totalLength", "no gradient")]
    [InlineData(-5L, 2, 10, "totalLength", "≥ 1")]
    [InlineData(10L, 0, 10, "slots", "number of worker slots")]
    [InlineData(10L, -1, 10, "slots", "≥ 1")]
    [InlineData(10L, 2, 0, "maxSliceLength", "≥ 1")]
    [InlineData(10L, 2, -3, "maxSliceLength", "≥ 1")]
    public void Invalid_inputs_throw_with_a_message_naming_the_argument(long total, int slots, int cap, string parameter, string fragment)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GradientSharding.Plan(total, slots, cap));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(fragment, e.Message);
    }
}
