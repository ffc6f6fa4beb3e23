using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using TorchSharp;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>Every payload owns its handles: a step that disposes its messages (as a grain would
/// after sending them) leaves no live tensors, with no dispose scope around it.</summary>
public sealed class ProtocolLeakTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_step_that_disposes_its_messages_leaves_no_live_tensors(bool teacher)
    {
        const int slots = 2, batch = 4, dim = 8;
        var options = new BamOptions { LocalViews = 2, TopK = 3, UseEmaTeacher = teacher };
        var rows = Enumerable.Range(0, slots).Select(w => SlotEmbeddings.Normalize(Randn(options.Views * batch, dim, (ulong)w, ScalarType.Float32))).ToArray();
        var teacherRows = Enumerable.Range(0, slots).Select(w => SlotEmbeddings.Normalize(Randn(options.Views * batch, dim, (ulong)(10 + w), ScalarType.Float32))).ToArray();

        void Step(long step)
        {
            var sent = Enumerable.Range(0, slots).Select(w => teacher
                ? SlotEmbeddings.FromTeacher(new SlotStepId(step, w), teacherRows[w], options.Views)
                : SlotEmbeddings.FromStudent(new SlotStepId(step, w), rows[w], options.Views)).ToList();
            var targets = TargetAggregation.Scatter(sent, options, 0.05, step, slots);
            var shares = Enumerable.Range(0, slots)
                .Select(w => SlotObjective.Compute(new SlotStepId(step, w), rows[w], targets[w], options, teacher ? teacherRows[w] : null))
                .ToArray();
            var returned = teacher ? null : ColumnGradientReduction.Reduce(shares.Select(s => s.ColumnGradients!).ToList(), options, step, slots);
            for (var w = 0; w < slots; w++)
                SlotBackward.EmbeddingGradient(shares[w], returned?[w]).Dispose();
            foreach (var d in sent.Concat<IDisposable>(targets).Concat(shares).Concat(returned ?? []))
                d.Dispose();
        }

        Step(0); // first use may allocate lazily-created native state
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var step = 1; step <= 3; step++)
            Step(step);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
