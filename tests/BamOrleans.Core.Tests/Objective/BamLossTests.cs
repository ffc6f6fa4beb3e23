using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

public sealed class BamLossTests
{
    private static readonly BamOptions Defaults = new();

    [Fact]
    public void Loss_is_a_differentiable_scalar_and_targets_are_detached_global_rows()
    {
        using var scope = NewDisposeScope();
        var options = new BamOptions { LocalViews = 2 };
        var z = Inputs.Embeddings(4 * 6, 16, seed: 29).requires_grad_(true);
        using var result = BamLoss.Compute(z, options, 0.05);
        Assert.Equal(0, result.Loss.dim());
        Assert.Equal([2 * 6, 2 * 6], result.Targets.shape);
        Assert.False(result.Targets.requires_grad);
        result.Loss.backward();
        Assert.True(double.IsFinite(Inputs.Scalar(result.Loss)));
        Assert.True(Inputs.Max(z.grad!.abs()) > 0);
        Assert.True(Inputs.Max(result.Targets.sum(1).sub(1).abs()) < 1e-12);
    }

    /// <summary>Masked entries are excluded: whatever logQ holds there, the loss is the same.</summary>
    [Fact]
    public void Masked_entries_contribute_nothing()
    {
        using var scope = NewDisposeScope();
        const int batch = 5, views = 4;
        var (s, mask) = Inputs.Attention(batch, views, 2, 16, seed: 31);
        var targets = BalancedSinkhorn.Targets(s, mask, 0.05, 3, 2).narrow(0, 0, 2 * batch);
        var logQ = BamLoss.PredictionLogProbs(s, mask, 0.1);
        Assert.True(Inputs.Max(logQ.masked_select(mask)) < -1e300, "masked logits should sit at the most negative finite value");
        Assert.True(logQ.isfinite().all().item<bool>(), "logQ must never be -inf");

        var reference = Inputs.Scalar(BamLoss.CrossEntropy(targets, logQ, mask, 2, views, batch));
        var scrambled = logQ.masked_fill(mask, 123.0);
        var changed = Inputs.Scalar(BamLoss.CrossEntropy(targets, scrambled, mask, 2, views, batch));
        Assert.Equal(reference, changed);

        // An unmasked change, by contrast, does move it (the check above could otherwise pass vacuously).
        var touched = logQ.clone();
        touched[0, 1] = tensor(-50.0, dtype: ScalarType.Float64);
        Assert.NotEqual(reference, Inputs.Scalar(BamLoss.CrossEntropy(targets, touched, mask, 2, views, batch)));
    }

    /// <summary>The cross-entropy formula, written out with loops for a small case.</summary>
    [Fact]
    public void Cross_entropy_averages_every_other_view_against_each_global_view()
    {
        using var scope = NewDisposeScope();
        const int batch = 3, views = 3, globalViews = 2, k = 6;
        var (s, _) = Inputs.Attention(batch, views, 2, 8, seed: 37);
        var mask = SameImageMask.Build(batch, views, 1, 0, 2);
        var logQ = BamLoss.PredictionLogProbs(s, mask, 0.1);
        var targets = BalancedSinkhorn.Targets(s, mask, 0.05, 3, 2).narrow(0, 0, globalViews * batch);
        var p = targets.data<double>().ToArray();
        var q = logQ.data<double>().ToArray();
        var m = mask.data<bool>().ToArray();

        double expected = 0;
        for (var t = 0; t < globalViews; t++)
        {
            double sub = 0;
            var others = Enumerable.Range(0, views).Where(v => v != t).ToList();
            foreach (var v in others)
            {
                double mean = 0;
                for (var b = 0; b < batch; b++)
                for (var j = 0; j < k; j++)
                    if (!m[b * k + j])
                        mean += p[(t * batch + b) * k + j] * q[(v * batch + b) * k + j];
                sub -= mean / batch;
            }
            expected += sub / others.Count;
        }
        expected /= globalViews;
        Assert.Equal(expected, Inputs.Scalar(BamLoss.CrossEntropy(targets, logQ, mask, globalViews, views, batch)), 12);
    }

    /// <summary>V = 1: the only view predicts its own targets, as in the official code.</summary>
    [Fact]
    public void Single_view_predicts_its_own_targets()
    {
        using var scope = NewDisposeScope();
        var options = new BamOptions { GlobalViews = 1, TargetViews = 1 };
        var z = Inputs.Embeddings(6, 8, seed: 41);
        using var result = BamLoss.Compute(z, options, 0.05);
        var (s, mask) = Inputs.Attention(6, 1, 1, 8, seed: 41);
        var logQ = BamLoss.PredictionLogProbs(s, mask, 0.1);
        var expected = -Inputs.Scalar(result.Targets.mul(logQ).sum(1).mean());
        Assert.Equal(expected, Inputs.Scalar(result.Loss), 10);
    }

    [Fact]
    public void Collapsed_embeddings_give_a_finite_loss_and_gradient()
    {
        using var scope = NewDisposeScope();
        var z = ones(2 * 8, 16, dtype: ScalarType.Float64).requires_grad_(true);
        using var result = BamLoss.Compute(z, Defaults, 0.05);
        result.Loss.backward();
        // Identical rows: uniform attention over the K − T = 14 other-image columns.
        Assert.Equal(Math.Log(14), Inputs.Scalar(result.Loss), 10);
        Assert.True(z.grad!.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void Two_rows_give_a_finite_loss_and_gradient(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var z = Inputs.Embeddings(2, 8, seed: 43, dtype).requires_grad_(true);   // B = 1, V = 2
        using var result = BamLoss.Compute(z, Defaults, 0.05);
        result.Loss.backward();
        Assert.True(result.Loss.isfinite().item<bool>(), "loss is not finite for N = 2");
        Assert.Equal(0.0, Inputs.Scalar(result.Loss));   // nothing but the own image to attend to
        Assert.True(z.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void Float32_input_is_computed_in_float32()
    {
        using var scope = NewDisposeScope();
        var z = Inputs.Embeddings(16, 8, seed: 47, ScalarType.Float32).requires_grad_(true);
        using var result = BamLoss.Compute(z, Defaults with { TopK = 3 }, 0.05);
        Assert.Equal(ScalarType.Float32, result.Loss.dtype);
        Assert.Equal(ScalarType.Float32, result.Targets.dtype);
        result.Loss.backward();
        Assert.Equal(ScalarType.Float32, z.grad!.dtype);
    }

    [Fact]
    public void Teacher_supplies_targets_and_gets_no_gradient()
    {
        using var scope = NewDisposeScope();
        var options = Defaults with { UseEmaTeacher = true };
        var z = Inputs.Embeddings(16, 8, seed: 53).requires_grad_(true);
        var teacher = Inputs.Embeddings(16, 8, seed: 59).requires_grad_(true);
        using var withTeacher = BamLoss.Compute(z, options, 0.05, teacher);
        withTeacher.Loss.backward();
        Assert.Null(teacher.grad);
        Assert.True(Inputs.Max(z.grad!.abs()) > 0);

        // The teacher's Sinkhorn targets are those of the teacher alone.
        using var teacherOnly = BamLoss.Compute(teacher.detach(), Defaults, 0.05);
        Assert.True(Inputs.Max(withTeacher.Targets.sub(teacherOnly.Targets).abs()) < 1e-12);
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "rows", "not a positive multiple of Views" },
        { "teacherDim", "same projector output size" },
        { "teacherRows", "same V·B views" },
        { "teacherMissing", "UseEmaTeacher is set" },
        { "teacherUnexpected", "UseEmaTeacher is false" },
        { "topK", "TopK = 17 exceeds the 16" },
        { "options", "TargetViews = 3 exceeds Views = 2" },
        { "vector", "2-D" },
        { "epsilon", "epsilon" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Wrong_inputs_throw_with_the_problem_and_fix(string kind, string expected)
    {
        using var scope = NewDisposeScope();
        var z = Inputs.Embeddings(16, 8, seed: 61);
        var teacherOptions = Defaults with { UseEmaTeacher = true };
        Action act = kind switch
        {
            "rows" => () => BamLoss.Compute(Inputs.Embeddings(15, 8, seed: 1), Defaults, 0.05),
            "teacherDim" => () => BamLoss.Compute(z, teacherOptions, 0.05, Inputs.Embeddings(16, 4, seed: 1)),
            "teacherRows" => () => BamLoss.Compute(z, teacherOptions, 0.05, Inputs.Embeddings(8, 8, seed: 1)),
            "teacherMissing" => () => BamLoss.Compute(z, teacherOptions, 0.05),
            "teacherUnexpected" => () => BamLoss.Compute(z, Defaults, 0.05, z),
            "topK" => () => BamLoss.Compute(z, Defaults with { TopK = 17 }, 0.05),
            "options" => () => BamLoss.Compute(z, Defaults with { TargetViews = 3 }, 0.05),
            "vector" => () => BamLoss.Compute(z.flatten(), Defaults, 0.05),
            "epsilon" => () => BamLoss.Compute(z, Defaults, 0),
            _ => throw new InvalidOperationException(kind),
        };
        var error = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(expected, error.Message);
    }
}
