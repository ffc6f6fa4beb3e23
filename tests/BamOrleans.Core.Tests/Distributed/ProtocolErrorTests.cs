using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>Wrong inputs are refused with a message that names the problem and the fix.</summary>
public sealed class ProtocolErrorTests
{
    private const int Batch = 4, Dim = 8;
    private const double Epsilon = 0.05;
    private static readonly BamOptions Options = new() { LocalViews = 2 };

    private static Tensor Rows(ulong seed, long rows = 4 * Batch, long dim = Dim) =>
        SlotEmbeddings.Normalize(Randn(rows, dim, seed, ScalarType.Float64));

    private static List<SlotEmbeddings> Messages(int slots, long step = 3) =>
        Enumerable.Range(0, slots).Select(w => SlotEmbeddings.FromStudent(new SlotStepId(step, w), Rows((ulong)w), Options.Views)).ToList();

    private static void Throws<T>(Action action, params string[] fragments) where T : Exception
    {
        var error = Assert.Throws<T>(action);
        foreach (var fragment in fragments)
            Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Aggregator_refuses_the_wrong_slot_count()
    {
        using var scope = NewDisposeScope();
        Throws<ArgumentException>(() => TargetAggregation.Scatter(Messages(2), Options, Epsilon, 3, slots: 3),
            "Got 2 slot embeddings", "W = 3", "wait for every slot");
    }

    [Fact]
    public void Aggregator_refuses_a_slot_index_outside_the_step_and_duplicates()
    {
        using var scope = NewDisposeScope();
        var messages = Messages(2);
        messages[1] = SlotEmbeddings.FromStudent(new SlotStepId(3, 5), Rows(9), Options.Views);
        Throws<ArgumentException>(() => TargetAggregation.Scatter(messages, Options, Epsilon, 3, 2), "slot 5", "W = 2");
        messages[1] = SlotEmbeddings.FromStudent(new SlotStepId(3, 0), Rows(9), Options.Views);
        Throws<ArgumentException>(() => TargetAggregation.Scatter(messages, Options, Epsilon, 3, 2), "Slot 0 sent rows twice");
    }

    [Fact]
    public void Aggregator_refuses_mismatched_D_and_B()
    {
        using var scope = NewDisposeScope();
        var messages = Messages(2);
        messages[1] = SlotEmbeddings.FromStudent(new SlotStepId(3, 1), Rows(9, dim: Dim + 1), Options.Views);
        Throws<ArgumentException>(() => TargetAggregation.Scatter(messages, Options, Epsilon, 3, 2),
            "D = 9", "D = 8", "same projector");
        messages[1] = SlotEmbeddings.FromStudent(new SlotStepId(3, 1), Rows(9, rows: 4 * (Batch + 1)), Options.Views);
        Throws<ArgumentException>(() => TargetAggregation.Scatter(messages, Options, Epsilon, 3, 2),
            "20 rows", "same B images");
    }

    [Fact]
    public void Aggregator_refuses_rows_of_another_step_and_the_wrong_source()
    {
        using var scope = NewDisposeScope();
        var messages = Messages(2);
        messages[0] = SlotEmbeddings.FromStudent(new SlotStepId(2, 0), Rows(0), Options.Views);
        Throws<ArgumentException>(() => TargetAggregation.Scatter(messages, Options, Epsilon, 3, 2),
            "step 2", "aggregator is at step 3", "another step");
        Throws<ArgumentException>(() => TargetAggregation.Scatter(Messages(2), Options with { UseEmaTeacher = true }, Epsilon, 3, 2),
            "Student rows", "Teacher rows");
    }

    [Fact]
    public void Aggregator_refuses_a_top_k_larger_than_the_global_columns()
    {
        using var scope = NewDisposeScope();
        // K = T·B·W = 2·4·2 = 16.
        Throws<ArgumentException>(() => TargetAggregation.Scatter(Messages(2), Options with { TopK = 17 }, Epsilon, 3, 2),
            "TopK = 17", "16 attention columns");
    }

    [Fact]
    public void Rows_that_are_not_a_multiple_of_V_or_not_normalised_are_refused()
    {
        using var scope = NewDisposeScope();
        Throws<ArgumentException>(() => SlotEmbeddings.FromStudent(new SlotStepId(0, 0), Rows(1, rows: 13), Options.Views),
            "13 rows", "multiple of Views = 4", "view-major");
        Throws<ArgumentException>(() => SlotEmbeddings.FromStudent(new SlotStepId(0, 0), Randn(16, Dim, 1, ScalarType.Float64), Options.Views),
            "not L2-normalised", "SlotEmbeddings.Normalize");
    }

    [Fact]
    public void Slot_refuses_a_payload_for_another_step_or_slot()
    {
        using var scope = NewDisposeScope();
        var targets = TargetAggregation.Scatter(Messages(2, step: 7), Options, Epsilon, 7, 2);
        Throws<ArgumentException>(() => SlotObjective.Compute(new SlotStepId(8, 0), Rows(0), targets[0], Options),
            "SlotTargets is for step 7 but this is step 8", "drop it");
        Throws<ArgumentException>(() => SlotObjective.Compute(new SlotStepId(7, 0), Rows(0), targets[1], Options),
            "addressed to slot 1", "slot 0");
    }

    [Fact]
    public void Slot_refuses_rows_that_do_not_fit_the_payload()
    {
        using var scope = NewDisposeScope();
        var targets = TargetAggregation.Scatter(Messages(2), Options, Epsilon, 3, 2);
        var id = new SlotStepId(3, 0);
        Throws<ArgumentException>(() => SlotObjective.Compute(id, Rows(0, dim: 12), targets[0], Options),
            "D = 12", "D = 8");
        Throws<ArgumentException>(() => SlotObjective.Compute(id, Rows(0, rows: 4 * (Batch - 1)), targets[0], Options),
            "12 rows", "V·B = 16");
        Throws<ArgumentException>(() => SlotObjective.Compute(id, Rows(0, rows: 18), targets[0], Options),
            "18 rows", "multiple of Views = 4");
        Throws<ArgumentException>(() => SlotObjective.Compute(id, Rows(0), targets[0], Options with { LocalViews = 1 }),
            "V = 4", "V = 3", "same objective options");
        Throws<ArgumentException>(() => SlotObjective.Compute(id, Rows(0), targets[0], Options with { UseEmaTeacher = true }, Rows(1)),
            "student rows", "UseEmaTeacher = True");
    }

    [Fact]
    public void Reduction_refuses_the_wrong_slot_count_another_step_and_teacher_mode()
    {
        using var scope = NewDisposeScope();
        var targets = TargetAggregation.Scatter(Messages(2), Options, Epsilon, 3, 2);
        var shares = Enumerable.Range(0, 2).Select(w => SlotObjective.Compute(new SlotStepId(3, w), Rows((ulong)w), targets[w], Options)).ToArray();
        var gradients = shares.Select(s => s.ColumnGradients!).ToList();
        Throws<ArgumentException>(() => ColumnGradientReduction.Reduce(gradients.Take(1).ToList(), Options, 3, 2),
            "from 1 slots", "W = 2");
        Throws<ArgumentException>(() => ColumnGradientReduction.Reduce(gradients, Options, 4, 2),
            "step 3", "reducing step 4", "another step");
        Throws<InvalidOperationException>(() => ColumnGradientReduction.Reduce(gradients, Options with { UseEmaTeacher = true }, 3, 2),
            "nothing to reduce");
    }

    [Fact]
    public void Final_gradient_refuses_another_slots_columns_or_their_absence()
    {
        using var scope = NewDisposeScope();
        var targets = TargetAggregation.Scatter(Messages(2), Options, Epsilon, 3, 2);
        var shares = Enumerable.Range(0, 2).Select(w => SlotObjective.Compute(new SlotStepId(3, w), Rows((ulong)w), targets[w], Options)).ToArray();
        var returned = ColumnGradientReduction.Reduce(shares.Select(s => s.ColumnGradients!).ToList(), Options, 3, 2);
        Throws<ArgumentException>(() => SlotBackward.EmbeddingGradient(shares[0], returned[1]), "addressed to slot 1");
        Throws<ArgumentException>(() => SlotBackward.EmbeddingGradient(shares[0], null), "no column gradients were returned");
        Throws<ArgumentException>(() => SlotBackward.Backward(Rows(0), shares[0], returned[0]), "do not require grad");
        // And the right pair works, so the refusals above are not blanket failures.
        Assert.Equal([4L * Batch, Dim], SlotBackward.EmbeddingGradient(shares[0], returned[0]).shape);
    }
}
