using BamOrleans.Core.Objectives.Swav;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class SwavPrototypeNormalizationTests
{
    /// <summary>As the official code before every forward: each prototype row scaled to unit
    /// norm in place, direction kept, on the parameter itself without recording gradient.</summary>
    [Fact]
    public void Rows_get_unit_norm_in_place_keeping_their_direction()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        var weight = randn([6, 5], dtype: ScalarType.Float64, generator: generator).mul_(3).requires_grad_(true);
        var before = weight.detach().clone();
        var handle = weight.Handle;

        SwavMath.NormalizePrototypes(weight);

        Assert.Equal(handle, weight.Handle);
        Assert.True(weight.is_leaf && weight.requires_grad, "the parameter must stay a trainable leaf");
        Assert.True(SwavInputs.Max(weight.detach().norm(1).sub(1).abs()) < 1e-14, "rows are not unit norm");
        Assert.True(SwavInputs.MaxAbsDiff(weight.detach().mul(before.norm(1, keepdim: true)), before) < 1e-12, "a row changed direction");
    }

    [Fact]
    public void A_zero_row_stays_zero_instead_of_becoming_NaN()
    {
        using var scope = NewDisposeScope();
        var weight = SwavInputs.UnitRows(4, 3, seed: 2).mul(2);
        weight[1] = zeros(3, dtype: ScalarType.Float64);
        SwavMath.NormalizePrototypes(weight);
        Assert.True(weight.isfinite().all().item<bool>());
        Assert.Equal(0.0, SwavInputs.Max(weight[1].abs()));
        Assert.True(SwavInputs.Max(weight[0].norm().sub(1).abs()) < 1e-14);
    }

    [Fact]
    public void Refuses_a_vector()
    {
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsAny<ArgumentException>(() => SwavMath.NormalizePrototypes(ones(4, dtype: ScalarType.Float64)));
        Assert.Contains("must be a 2-D matrix", error.Message);
    }
}
