using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

/// <summary>Seeded inputs for the property tests (own generator: tests run in parallel).</summary>
internal static class Inputs
{
    public static Tensor Embeddings(long rows, long dim, ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var generator = new Generator(seed);
        return randn([rows, dim], dtype: dtype, generator: generator);
    }

    /// <summary>Cosine similarities S (V·B × T·B) and the single-slot mask for random embeddings.</summary>
    public static (Tensor Similarities, Tensor Mask) Attention(int batch, int views, int targetViews, long dim, ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        var z = nn.functional.normalize(Embeddings(views * batch, dim, seed, dtype), dim: -1);
        var s = z.mm(z.narrow(0, 0, targetViews * batch).t());
        var mask = SameImageMask.Build(batch, views, 1, 0, targetViews);
        return (s.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    public static double Max(Tensor t) => t.max().to_type(ScalarType.Float64).item<double>();
    public static double Scalar(Tensor t) => t.to_type(ScalarType.Float64).item<double>();
}
