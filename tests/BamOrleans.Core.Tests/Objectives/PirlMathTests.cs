using BamOrleans.Core.Objectives.Pirl;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>Properties of the PIRL math that the golden fixtures do not pin: what gets gradient,
/// stability, the update rule's invariants, and the errors for misuse.</summary>
public sealed class PirlMathTests
{
    private const int B = 4, D = 8, N = 16;

    private static Tensor Rows(int rows, int seed, ScalarType dtype = ScalarType.Float64) =>
        randn([rows, D], dtype: dtype, generator: new Generator((ulong)seed));

    private static Tensor Unit(int rows, int seed) => nn.functional.normalize(Rows(rows, seed), dim: 1);

    private static PirlOptions Options => new() { Negatives = N };

    [Fact]
    public void Bank_rows_get_no_gradient()
    {
        using var scope = NewDisposeScope();
        var f = Rows(B, 1).requires_grad_(true);
        var g = Rows(B, 2).requires_grad_(true);
        var memory = Unit(B, 3).requires_grad_(true);
        var negatives = Unit(N, 4).requires_grad_(true);
        PirlMath.Loss(f, g, memory, negatives, Options).backward();
        Assert.NotNull(f.grad);
        Assert.NotNull(g.grad);
        Assert.Null(memory.grad);
        Assert.Null(negatives.grad);
    }

    [Fact]
    public void Lambda_one_puts_all_weight_on_the_transformed_view()
    {
        using var scope = NewDisposeScope();
        var f = Rows(B, 1).requires_grad_(true);
        var g = Rows(B, 2).requires_grad_(true);
        PirlMath.Loss(f, g, Unit(B, 3), Unit(N, 4), Options with { Lambda = 1 }).backward();
        Assert.Equal(0, f.grad!.abs().max().item<double>());
        Assert.True(g.grad!.abs().max().item<double>() > 0);
    }

    [Fact]
    public void Embeddings_are_normalised_inside_so_their_scale_does_not_matter()
    {
        using var scope = NewDisposeScope();
        var (f, g, m, neg) = (Rows(B, 1), Rows(B, 2), Unit(B, 3), Unit(N, 4));
        var loss = PirlMath.Loss(f, g, m, neg, Options).item<double>();
        Assert.Equal(loss, PirlMath.Loss(f.mul(7.5), g.mul(0.01), m, neg, Options).item<double>(), 12);
        Assert.True(PirlMath.UpdatedMemory(m, f, 0.5).allclose(PirlMath.UpdatedMemory(m, f.mul(3), 0.5), rtol: 1e-12, atol: 1e-14));
    }

    [Fact]
    public void Loss_stays_finite_where_the_probabilities_would_overflow()
    {
        // τ = 1e-3 puts s/τ near ±1000: exp overflows even float64, the log-space form does not.
        using var scope = NewDisposeScope();
        var f = Rows(B, 1, ScalarType.Float32).requires_grad_(true);
        var m = nn.functional.normalize(f.detach(), dim: 1);
        var loss = PirlMath.Nce(f, m, Unit(N, 4).to_type(ScalarType.Float32), 1e-3);
        loss.backward();
        Assert.True(double.IsFinite(loss.item<float>()));
        Assert.True(f.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void A_query_aligned_with_its_positive_scores_lower_than_one_aligned_with_a_negative()
    {
        using var scope = NewDisposeScope();
        var negatives = Unit(N, 4);
        var positive = Unit(1, 5);
        var good = PirlMath.Nce(positive.clone(), positive, negatives, 0.07).item<double>();
        var bad = PirlMath.Nce(negatives.narrow(0, 0, 1).clone(), positive, negatives, 0.07).item<double>();
        Assert.True(good < bad, $"aligned {good} vs misaligned {bad}");
    }

    [Fact]
    public void Updated_memory_is_unit_detached_and_follows_the_momentum()
    {
        using var scope = NewDisposeScope();
        var memory = Unit(B, 3);
        var f = Rows(B, 1).requires_grad_(true);
        var updated = PirlMath.UpdatedMemory(memory, f, 0.5);
        Assert.False(updated.requires_grad);
        Assert.True(updated.norm(1).sub(1).abs().max().item<double>() < 1e-12);
        // μ = 0 forgets the old row entirely.
        Assert.True(PirlMath.UpdatedMemory(memory, f, 0).allclose(nn.functional.normalize(f.detach(), dim: 1), rtol: 1e-12, atol: 1e-14));
        // The new row lies between the old one and f, so it is closer to f than the old row was.
        var fUnit = nn.functional.normalize(f.detach(), dim: 1);
        Assert.True(updated.mul(fUnit).sum(1).ge(memory.mul(fUnit).sum(1)).all().item<bool>());
    }

    public static TheoryData<string, Action> BadInputs() => new()
    {
        { "g", () => PirlMath.Loss(Rows(B, 1), Rows(B + 1, 2), Unit(B, 3), Unit(N, 4), Options) },
        { "memory", () => PirlMath.Loss(Rows(B, 1), Rows(B, 2), Unit(B - 1, 3), Unit(N, 4), Options) },
        { "g", () => PirlMath.Loss(Rows(B, 1), Rows(B, 2, ScalarType.Float32), Unit(B, 3), Unit(N, 4), Options) },
        { "negatives", () => PirlMath.Loss(Rows(B, 1), Rows(B, 2), Unit(B, 3), Unit(N, 4).narrow(1, 0, D - 1), Options) },
        { "negatives", () => PirlMath.Loss(Rows(B, 1), Rows(B, 2), Unit(B, 3), Unit(N - 1, 4), Options) },
        { "negatives", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3), Unit(N, 4).to_type(ScalarType.Float32), 0.07) },
        { "negatives", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3), zeros(0, D, dtype: ScalarType.Float64), 0.07) },
        { "options", () => PirlMath.Loss(Rows(B, 1), Rows(B, 2), Unit(B, 3), Unit(N, 4), Options with { Lambda = 2 }) },
        { "queries", () => PirlMath.Nce(Rows(B, 1).view(B * D), Unit(B, 3), Unit(N, 4), 0.07) },
        { "queries", () => PirlMath.Nce(Rows(B, 1).to_type(ScalarType.Int64), Unit(B, 3), Unit(N, 4), 0.07) },
        { "queries", () => PirlMath.Nce(zeros(0, D, dtype: ScalarType.Float64), zeros(0, D, dtype: ScalarType.Float64), Unit(N, 4), 0.07) },
        { "queries", () => PirlMath.Nce(Rows(B, 1).index_fill_(0, tensor(new long[] { 2 }), double.NaN), Unit(B, 3), Unit(N, 4), 0.07) },
        { "positives", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3).index_fill_(1, tensor(new long[] { 0 }), double.PositiveInfinity), Unit(N, 4), 0.07) },
        { "negatives", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3), Unit(N, 4).index_fill_(0, tensor(new long[] { 5 }), double.NaN), 0.07) },
        { "temperature", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3), Unit(N, 4), 0) },
        { "temperature", () => PirlMath.Nce(Rows(B, 1), Unit(B, 3), Unit(N, 4), double.PositiveInfinity) },
        { "momentum", () => PirlMath.UpdatedMemory(Unit(B, 3), Rows(B, 1), 1) },
        { "f", () => PirlMath.UpdatedMemory(Unit(B, 3), Rows(B, 1).narrow(1, 0, D - 2), 0.5) },
        { "f", () => PirlMath.UpdatedMemory(Unit(B, 3), Rows(B, 1).index_fill_(0, tensor(new long[] { 0 }), double.NaN), 0.5) },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_naming_the_argument_and_a_fix(string parameter, Action call)
    {
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
        // Every message says what to do, not only what is wrong.
        Assert.Matches("(pass|set|use|check|convert|must|needs)", error.Message);
    }
}
