using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>
/// The protocol over W slots against <see cref="BamLoss.Compute"/> on the concatenated batch, at
/// the level of the raw projector outputs. The "parameters" here are the embeddings themselves:
/// slot w's rows are its own leaves, so averaging the slots' parameter gradients (DDP) gives
/// (1/W)·(slot w's gradient) on slot w's rows, and that must equal the single-process gradient
/// of those rows.
/// </summary>
public sealed class SlotProtocolEquivalenceTests(ITestOutputHelper output)
{
    private const int Batch = 4, Dim = 16;
    private const double Epsilon = 0.05;

    public static TheoryData<int, int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (var slots in new[] { 1, 2, 3 })
            foreach (var localViews in new[] { 0, 2 })
                foreach (var topK in new[] { 0, 3 })
                    foreach (var teacher in new[] { false, true })
                        data.Add(slots, localViews, topK, teacher);
        return data;
    }

    /// <summary>float64: loss and every slot's gradient within 1e-10 of the reference
    /// (relative to the largest gradient entry; measured ≲ 1e-14).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_slots_reproduce_the_single_process_loss_and_gradient(int slots, int localViews, int topK, bool teacher) =>
        Check(slots, localViews, topK, teacher, ScalarType.Float64, 1e-10);

    /// <summary>float32: within 1e-4 relative. The protocol derives the targets from log v rather
    /// than the Sinkhorn plan itself, so float32 rounding differs (measured ≲ 1e-6).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_slots_reproduce_the_single_process_loss_and_gradient(int slots, int localViews, int topK, bool teacher) =>
        Check(slots, localViews, topK, teacher, ScalarType.Float32, 1e-4);

    private void Check(int slots, int localViews, int topK, bool teacher, ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var options = new BamOptions { LocalViews = localViews, TopK = topK, UseEmaTeacher = teacher };
        var rows = (long)options.Views * Batch * slots;
        var z = Randn(rows, Dim, seed: (ulong)(100 + slots * 10 + localViews + topK), dtype);
        var t = teacher ? Randn(rows, Dim, seed: 999, dtype) : null;

        var (loss, gradient) = Reference(z, t, options, Epsilon);
        var run = Run(z, t, options, Epsilon, slots);

        Assert.True(MaxAbs(gradient) > 1e-3, "the reference gradient is ~0, so the comparison would be vacuous");
        var lossError = Math.Abs(run.MeanLoss - loss) / Math.Max(1, Math.Abs(loss));
        var worst = 0.0;
        for (var w = 0; w < slots; w++)
        {
            // DDP averages: slot w's rows get (1/W)·(its gradient).
            var averaged = run.Gradients[w].div(slots);
            worst = Math.Max(worst, RelativeError(averaged, SlotBlock(gradient, options.Views, slots, w)));
        }
        output.WriteLine($"W={slots} V={options.Views} topK={topK} teacher={teacher} {dtype}: loss {loss:g10}, loss error {lossError:e2}, gradient error {worst:e2}");
        Assert.True(lossError <= tolerance, $"mean of slot losses {run.MeanLoss:g17} vs global {loss:g17} (error {lossError:e2})");
        Assert.True(worst <= tolerance, $"slot gradients differ from the single-process gradient by {worst:e2} (relative)");
    }

    /// <summary>The losses are shares of one global loss, not W copies of it: with W = 2 they differ.</summary>
    [Fact]
    public void Slot_losses_are_distinct_shares_whose_mean_is_the_loss()
    {
        using var scope = NewDisposeScope();
        var options = new BamOptions { LocalViews = 2 };
        var z = Randn(options.Views * Batch * 2, Dim, seed: 3, ScalarType.Float64);
        var run = Run(z, null, options, Epsilon, slots: 2);
        Assert.NotEqual(run.Losses[0], run.Losses[1]);
        Assert.Equal(Reference(z, null, options, Epsilon).Loss, run.MeanLoss, 12);
    }

    /// <summary>Leaving out the returned column gradient (a non-differentiable all-gather) gives a
    /// different gradient: the column path matters, and the equivalence test would catch its loss.</summary>
    [Fact]
    public void Without_the_returned_column_gradient_the_slot_gradient_is_wrong()
    {
        var error = ErrorWith((share, _, _) => share.RowGradient.clone());
        Assert.True(error > 1e-2, $"dropping the column gradient changed the result by only {error:e2}");
    }

    /// <summary>Multiplying by W (undoing the averaging twice) is caught too: the factor is exactly 1.</summary>
    [Fact]
    public void Scaling_the_slot_gradient_by_W_is_wrong()
    {
        var error = ErrorWith((share, returned, slots) => SlotBackward.EmbeddingGradient(share, returned).mul(slots));
        Assert.True(error > 0.5, $"scaling by W changed the result by only {error:e2}");
    }

    private static double ErrorWith(GradientRule rule)
    {
        using var scope = NewDisposeScope();
        const int slots = 2;
        var options = new BamOptions { LocalViews = 2 };
        var z = Randn(options.Views * Batch * slots, Dim, seed: 17, ScalarType.Float64);
        var (_, gradient) = Reference(z, null, options, Epsilon);
        var run = Run(z, null, options, Epsilon, slots, rule: rule);
        return Enumerable.Range(0, slots)
            .Max(w => RelativeError(run.Gradients[w].div(slots), SlotBlock(gradient, options.Views, slots, w)));
    }

    /// <summary>The aggregator places rows by slot id: any arrival order gives the same bits.</summary>
    [Fact]
    public void Aggregation_does_not_depend_on_arrival_order()
    {
        using var scope = NewDisposeScope();
        const int slots = 3;
        var options = new BamOptions { LocalViews = 2 };
        var z = Randn(options.Views * Batch * slots, Dim, seed: 23, ScalarType.Float32);
        var messages = Enumerable.Range(0, slots)
            .Select(w => SlotEmbeddings.FromStudent(new SlotStepId(1, w), SlotEmbeddings.Normalize(SlotBlock(z, options.Views, slots, w)), options.Views))
            .ToList();
        var inOrder = TargetAggregation.Scatter(messages, options, Epsilon, 1, slots);
        var shuffled = TargetAggregation.Scatter([messages[2], messages[0], messages[1]], options, Epsilon, 1, slots);
        for (var w = 0; w < slots; w++)
        {
            Assert.Equal(new SlotStepId(1, w), shuffled[w].Id);
            Assert.True(BitEqual(inOrder[w].Columns, shuffled[w].Columns));
            Assert.True(BitEqual(inOrder[w].LogColumnScales, shuffled[w].LogColumnScales));
        }
    }
}
