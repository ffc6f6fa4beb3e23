using BamOrleans.Core.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

public class GradientClippingTests
{
    private static Parameter WithGrad(params double[] grad)
    {
        var parameter = new Parameter(zeros(grad.Length, dtype: ScalarType.Float64));
        parameter.grad = tensor(grad, ScalarType.Float64);
        return parameter;
    }

    private static double[] Grad(Parameter p) => p.grad!.data<double>().ToArray();

    [Fact]
    public void Per_parameter_clipping_scales_only_gradients_above_the_clip()
    {
        var big = WithGrad(3, 4);       // norm 5
        var small = WithGrad(0.3, 0.4); // norm 0.5
        var none = new Parameter(zeros(2, dtype: ScalarType.Float64));

        var norms = GradientClipping.ClipPerParameter([big, none, small], clip: 1.0);

        Assert.Equal([5.0, 0.5], norms);
        var scale = 1.0 / (5 + 1e-6);
        Assert.Equal([3 * scale, 4 * scale], Grad(big), new DoubleTolerance(1e-15));
        Assert.Equal([0.3, 0.4], Grad(small));
        Assert.Null(none.grad);
    }

    [Fact]
    public void Global_norm_clipping_scales_all_gradients_by_one_factor()
    {
        var a = WithGrad(3, 0);
        var b = WithGrad(0, 4);

        var norm = GradientClipping.ClipGlobalNorm([a, b], maxNorm: 2.5);

        Assert.Equal(5.0, norm, 1e-15);
        var scale = 2.5 / (5 + 1e-6);
        Assert.Equal([3 * scale, 0], Grad(a), new DoubleTolerance(1e-15));
        Assert.Equal([0, 4 * scale], Grad(b), new DoubleTolerance(1e-15));
    }

    [Fact]
    public void Global_norm_below_the_limit_leaves_gradients_unchanged()
    {
        var a = WithGrad(0.3, 0.4);
        Assert.Equal(0.5, GradientClipping.ClipGlobalNorm([a], maxNorm: 1), 1e-15);
        Assert.Equal([0.3, 0.4], Grad(a));
    }

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
