using BamOrleans.Core.Objectives.Swav;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class SwavCodesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(16, 8, 0.05, 3)]
    [InlineData(8, 32, 0.05, 3)]   // more prototypes than samples
    [InlineData(24, 10, 0.03, 1)]
    public void Every_row_is_a_distribution(int samples, int prototypes, double epsilon, int iterations)
    {
        using var scope = NewDisposeScope();
        var scores = SwavInputs.Scores(samples, prototypes, 16, seed: 3);
        var q = SwavMath.Codes(scores, epsilon, iterations);

        Assert.Equal(scores.shape, q.shape);
        Assert.Equal(ScalarType.Float64, q.dtype);
        Assert.True(SwavInputs.Max(q.sum(1).sub(1).abs()) < 1e-12, "a code row does not sum to 1");
        Assert.True(q.min().item<double>() >= 0, "codes must be non-negative");
    }

    /// <summary>
    /// Equipartition: every prototype should receive N/K of the mass. The rounds end on the
    /// sample normalisation, so the prototype marginals are only approximately uniform. On this
    /// input the largest relative deviation measures 0.80 for a plain softmax of scores/ε, 1.34
    /// after 1 round (the first round overshoots on a prototype the softmax nearly ignored),
    /// 0.33 after 3, 1e-2 after 30, 3e-6 after 100 and ≈ 1e-16 after 300 (printed below); the
    /// bounds leave headroom over those.
    /// </summary>
    [Fact]
    public void Prototype_marginals_become_uniform_as_iterations_grow()
    {
        using var scope = NewDisposeScope();
        const int samples = 32, prototypes = 8;
        var scores = SwavInputs.Scores(samples, prototypes, 16, seed: 11);
        double Deviation(Tensor q) => SwavInputs.Max(q.sum(0, keepdim: false).mul((double)prototypes / samples).sub(1).abs());

        var unbalanced = Deviation(nn.functional.softmax(scores.div(0.05), 1));
        output.WriteLine($"plain softmax: max relative prototype-mass deviation {unbalanced:e3}");
        var deviations = new[] { 1, 3, 10, 30, 100, 300 }.Select(n => (Iterations: n, Deviation: Deviation(SwavMath.Codes(scores, 0.05, n)))).ToList();
        foreach (var (n, d) in deviations)
            output.WriteLine($"{n,3} iterations: max relative prototype-mass deviation {d:e3}");

        Assert.True(deviations[1].Deviation < unbalanced / 2, "3 iterations should balance far better than the plain softmax");
        for (var i = 1; i < deviations.Count; i++)
            Assert.True(deviations[i].Deviation < deviations[i - 1].Deviation,
                $"{deviations[i].Iterations} iterations ({deviations[i].Deviation:e3}) not tighter than {deviations[i - 1].Iterations} ({deviations[i - 1].Deviation:e3})");
        Assert.True(deviations[^1].Deviation < 1e-9, $"300 iterations leave {deviations[^1].Deviation:e3}");
    }

    /// <summary>
    /// The overflow guard changes no value: a constant added to every score, or one per
    /// prototype, cancels in the prototype normalisation. +1000 makes exp(scores/ε) overflow even
    /// in float64, so the plain official form could not compute this at all.
    /// </summary>
    [Fact]
    public void Constant_and_per_prototype_shifts_leave_the_codes_unchanged()
    {
        using var scope = NewDisposeScope();
        var scores = SwavInputs.Scores(12, 6, 8, seed: 5);
        var q = SwavMath.Codes(scores, 0.05, 3);
        Assert.True(double.IsInfinity(scores.add(1000).div(0.05).exp().max().item<double>()), "the shifted input should overflow the plain form");

        Assert.True(SwavInputs.MaxAbsDiff(SwavMath.Codes(scores.add(1000), 0.05, 3), q) < 1e-12);
        var perPrototype = linspace(-3, 3, 6, dtype: ScalarType.Float64).unsqueeze(0);
        Assert.True(SwavInputs.MaxAbsDiff(SwavMath.Codes(scores.add(perPrototype), 0.05, 3), q) < 1e-12);
    }

    /// <summary>Small ε in float32: a score of 1 at ε = 0.01 overflows the plain form
    /// (exp(100) = ∞ in float32); the log-domain codes stay finite and agree with the same
    /// computation in float64.</summary>
    [Fact]
    public void Small_epsilon_in_float32_stays_finite_and_matches_float64()
    {
        using var scope = NewDisposeScope();
        const double epsilon = 0.01;
        var scores64 = SwavInputs.Scores(16, 12, 8, seed: 9);
        scores64[0, 0] = tensor(1.0, dtype: ScalarType.Float64); // a sample on a prototype, as late in training
        var scores32 = scores64.to_type(ScalarType.Float32);
        Assert.False(scores32.div(epsilon).exp().isfinite().all().item<bool>(), "the plain form should overflow on this input");

        var q32 = SwavMath.Codes(scores32, epsilon, 3);
        Assert.Equal(ScalarType.Float32, q32.dtype);
        Assert.True(q32.isfinite().all().item<bool>(), "float32 codes are not finite");
        var error = SwavInputs.MaxAbsDiff(q32, SwavMath.Codes(scores64, epsilon, 3));
        output.WriteLine($"float32 vs float64 codes at ε = {epsilon}: max abs difference {error:e3}");
        Assert.True(error < 1e-4, $"float32 codes differ from float64 by {error:e3}");
    }

    /// <summary>The official code computes the codes under no_grad: no gradient may flow to them.</summary>
    [Fact]
    public void Does_not_track_gradient()
    {
        using var scope = NewDisposeScope();
        var scores = SwavInputs.Scores(8, 4, 8, seed: 1).requires_grad_(true);
        Assert.False(SwavMath.Codes(scores, 0.05, 3).requires_grad);
    }

    [Fact]
    public void Leaves_no_tensor_behind()
    {
        using var scores = SwavInputs.Scores(8, 4, 8, seed: 2);
        SwavMath.Codes(scores, 0.05, 3).Dispose(); // first use may allocate lazily-created state
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        SwavMath.Codes(scores, 0.05, 3).Dispose();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public static TheoryData<string, Func<Tensor>, double, int, string> BadInputs() => new()
    {
        { "1-D", () => zeros(8, dtype: ScalarType.Float64), 0.05, 3, "must be a 2-D matrix" },
        { "integer", () => zeros([4, 3], dtype: ScalarType.Int64), 0.05, 3, "convert with .to(float32)" },
        { "no rows", () => zeros([0, 3], dtype: ScalarType.Float64), 0.05, 3, "at least one row" },
        { "NaN", () => WithEntry(SwavInputs.Scores(4, 3, 4, 1), 1, 2, double.NaN), 0.05, 3, "contains NaN or infinite values: pass finite scores" },
        { "+inf", () => WithEntry(SwavInputs.Scores(4, 3, 4, 1), 0, 0, double.PositiveInfinity), 0.05, 3, "contains NaN or infinite values" },
        { "ε = 0", () => SwavInputs.Scores(4, 3, 4, 1), 0.0, 3, "set swav.epsilon > 0" },
        { "ε = NaN", () => SwavInputs.Scores(4, 3, 4, 1), double.NaN, 3, "set swav.epsilon > 0" },
        { "0 iterations", () => SwavInputs.Scores(4, 3, 4, 1), 0.05, 0, "set swav.sinkhornIterations ≥ 1" },
    };

    private static Tensor WithEntry(Tensor t, long row, long column, double value)
    {
        t[row, column] = tensor(value, dtype: t.dtype);
        return t;
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_with_the_fix(string what, Func<Tensor> scores, double epsilon, int iterations, string expected)
    {
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsAny<ArgumentException>(() => SwavMath.Codes(scores(), epsilon, iterations));
        Assert.True(error.Message.Contains(expected), $"{what}: message \"{error.Message}\" lacks \"{expected}\"");
    }
}
