using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>How a slot turns its share into the gradient it back-propagates (the right rule,
/// or a deliberately wrong one to show the equivalence tests can fail).</summary>
internal delegate Tensor GradientRule(SlotStepShare share, OwnColumnGradients? returned, int slots);

/// <summary>
/// Runs the five protocol steps in one process, as a grain layer would across machines, and the
/// single-process reference on the concatenated batch.
/// </summary>
internal static class ProtocolHarness
{
    public static readonly GradientRule Correct = (share, returned, _) => SlotBackward.EmbeddingGradient(share, returned);

    /// <summary>
    /// Slot w's rows of a global view-major matrix, picked by the index formula
    /// v·(B·W) + w·B + b written out here — independent of <see cref="SlotLayout"/>, so a wrong
    /// gather in the library cannot be cancelled by the same wrong split in the test.
    /// </summary>
    public static Tensor SlotBlock(Tensor global, int views, int slots, int slot)
    {
        var batch = global.shape[0] / views / slots;
        var index = new List<long>();
        for (var v = 0; v < views; v++)
            for (var b = 0; b < batch; b++)
                index.Add(v * batch * slots + slot * batch + b);
        using var indices = tensor(index.ToArray(), ScalarType.Int64);
        return global.index_select(0, indices);
    }

    /// <summary>Single process: BamLoss.Compute on the global batch; its loss and dL/dz (raw embeddings).</summary>
    public static (double Loss, Tensor Gradient) Reference(Tensor embeddings, Tensor? teacher, BamOptions options, double epsilon)
    {
        using var scope = NewDisposeScope();
        var z = embeddings.detach().clone().requires_grad_(true);
        using var result = BamLoss.Compute(z, options, epsilon, teacher);
        result.Loss.backward();
        return (result.Loss.to_type(ScalarType.Float64).item<double>(), z.grad!.clone().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The protocol over <paramref name="slots"/> slots on the same global raw embeddings:
    /// per-slot losses, per-slot gradients of the raw embeddings, and bytes each slot sent/received.
    /// Messages reach the aggregator in reverse slot order on purpose.
    /// </summary>
    public static ProtocolOutcome Run(Tensor embeddings, Tensor? teacher, BamOptions options, double epsilon, int slots,
        long step = 5, GradientRule? rule = null)
    {
        rule ??= Correct;
        var views = options.Views;
        using var scope = NewDisposeScope();
        var raw = new Tensor[slots];
        var rows = new Tensor[slots];
        var teacherRows = new Tensor?[slots];
        var sent = new List<SlotEmbeddings>();
        for (var w = 0; w < slots; w++)
        {
            var id = new SlotStepId(step, w);
            raw[w] = SlotBlock(embeddings, views, slots, w).detach().requires_grad_(true);
            rows[w] = SlotEmbeddings.Normalize(raw[w]);
            teacherRows[w] = teacher is null ? null : SlotEmbeddings.Normalize(SlotBlock(teacher, views, slots, w));
            sent.Add(teacherRows[w] is { } t ? SlotEmbeddings.FromTeacher(id, t, views) : SlotEmbeddings.FromStudent(id, rows[w], views));
        }
        sent.Reverse();
        var targets = TargetAggregation.Scatter(sent, options, epsilon, step, slots);

        var shares = Enumerable.Range(0, slots)
            .Select(w => SlotObjective.Compute(new SlotStepId(step, w), rows[w], targets[w], options, teacherRows[w]))
            .ToArray();
        var returned = options.UseEmaTeacher
            ? null
            : ColumnGradientReduction.Reduce(shares.Select(s => s.ColumnGradients!).Reverse().ToList(), options, step, slots);

        var up = new long[slots];
        var down = new long[slots];
        var gradients = new Tensor[slots];
        for (var w = 0; w < slots; w++)
        {
            var own = returned?[w];
            rows[w].backward([rule(shares[w], own, slots)]);
            gradients[w] = raw[w].grad!.clone().MoveToOuterDisposeScope();
            up[w] = sent.Single(m => m.Id.Slot == w).PayloadBytes + (shares[w].ColumnGradients?.PayloadBytes ?? 0);
            down[w] = targets[w].PayloadBytes + (own?.PayloadBytes ?? 0);
        }
        return new ProtocolOutcome(shares.Select(s => s.Loss).ToArray(), gradients, up, down);
    }

    /// <summary>max |a − b| / max |b|: one scale for the whole tensor, so tiny entries do not
    /// inflate it.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.to_type(ScalarType.Float64);
        var e = expected.to_type(ScalarType.Float64);
        var scale = e.abs().max().item<double>();
        var diff = a.sub(e).abs().max().item<double>();
        return diff / Math.Max(scale, 1e-300);
    }

    /// <summary>Same shape and every element equal (bit-identical for finite values).</summary>
    public static bool BitEqual(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static double MaxAbs(Tensor t) => t.abs().max().to_type(ScalarType.Float64).item<double>();

    public static Tensor Randn(long rows, long dim, ulong seed, ScalarType dtype)
    {
        using var generator = new Generator(seed);
        return randn([rows, dim], dtype: dtype, generator: generator);
    }
}

/// <summary>What one protocol run produced, per slot.</summary>
internal sealed record ProtocolOutcome(double[] Losses, Tensor[] Gradients, long[] UpBytes, long[] DownBytes)
{
    public double MeanLoss => Losses.Average();
}
