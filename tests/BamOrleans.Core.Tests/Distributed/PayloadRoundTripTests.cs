using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>A grain layer will move payloads as plain arrays + shapes: rebuilt from those, they
/// must give bit-identical results, and malformed ones must be refused.</summary>
public sealed class PayloadRoundTripTests
{
    private static readonly BamOptions Options = new() { LocalViews = 2 };

    private static Tensor ThroughArrays(Tensor t) => tensor(t.data<float>().ToArray(), t.shape, ScalarType.Float32);

    [Fact]
    public void Payloads_rebuilt_from_float_arrays_give_the_same_bits()
    {
        using var scope = NewDisposeScope();
        const int slots = 2, batch = 4, dim = 8;
        var rows = Enumerable.Range(0, slots)
            .Select(w => SlotEmbeddings.Normalize(Randn(Options.Views * batch, dim, (ulong)w, ScalarType.Float32))).ToArray();
        var sent = Enumerable.Range(0, slots).Select(w => SlotEmbeddings.FromStudent(new SlotStepId(1, w), rows[w], Options.Views)).ToList();
        var targets = TargetAggregation.Scatter(sent, Options, 0.05, 1, slots);
        var received = new SlotTargets(targets[1].Id, targets[1].Layout, targets[1].Epsilon, targets[1].ColumnsTakeGradient,
            ThroughArrays(targets[1].Columns), ThroughArrays(targets[1].LogColumnScales));

        var direct = SlotObjective.Compute(new SlotStepId(1, 1), rows[1], targets[1], Options);
        var rebuilt = SlotObjective.Compute(new SlotStepId(1, 1), rows[1], received, Options);
        Assert.Equal(direct.Loss, rebuilt.Loss);
        Assert.True(BitEqual(direct.RowGradient, rebuilt.RowGradient));
        Assert.True(BitEqual(direct.ColumnGradients!.Gradient, rebuilt.ColumnGradients!.Gradient));

        var other = SlotObjective.Compute(new SlotStepId(1, 0), rows[0], targets[0], Options);
        var reduced = ColumnGradientReduction.Reduce(
            [new ColumnGradients(other.Id, ThroughArrays(other.ColumnGradients!.Gradient)), new ColumnGradients(rebuilt.Id, ThroughArrays(rebuilt.ColumnGradients!.Gradient))],
            Options, 1, slots);
        var back = new OwnColumnGradients(reduced[1].Id, ThroughArrays(reduced[1].Gradient));
        Assert.True(BitEqual(SlotBackward.EmbeddingGradient(direct, reduced[1]), SlotBackward.EmbeddingGradient(rebuilt, back)));
    }

    [Fact]
    public void Malformed_received_payloads_are_refused()
    {
        using var scope = NewDisposeScope();
        var layout = SlotLayout.For(Options, slots: 2, batchPerSlot: 4); // K = 16
        var error = Assert.Throws<ArgumentException>(() =>
            new SlotTargets(new SlotStepId(0, 0), layout, 0.05, true, zeros(15, 8), zeros(16)));
        Assert.Contains("[15, 8] but must be [16, 8]", error.Message);
        error = Assert.Throws<ArgumentException>(() =>
            new SlotTargets(new SlotStepId(0, 0), layout, 0.05, true, zeros(16, 8), zeros(15)));
        Assert.Contains("one value per column", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SlotTargets(new SlotStepId(0, 2), layout, 0.05, true, zeros(16, 8), zeros(16)));
        Assert.Throws<ArgumentException>(() => new ColumnGradients(new SlotStepId(0, 0), zeros(16)));
    }
}
