using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>Seeded SwAV inputs for the property tests (own generator: tests run in parallel).</summary>
internal static class SwavInputs
{
    /// <summary>Random rows of unit L2 norm, as the encoder's embeddings and the prototypes are.</summary>
    public static Tensor UnitRows(long rows, long dim, ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var generator = new Generator(seed);
        using var scope = NewDisposeScope();
        return nn.functional.normalize(randn([rows, dim], dtype: ScalarType.Float64, generator: generator), dim: 1)
            .to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Cosine scores [rows, K] of random embeddings against random prototypes.</summary>
    public static Tensor Scores(long rows, long prototypes, long dim, ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        return UnitRows(rows, dim, seed, dtype).mm(UnitRows(prototypes, dim, seed + 1000, dtype).t()).MoveToOuterDisposeScope();
    }

    public static double Max(Tensor t) => t.max().to_type(ScalarType.Float64).item<double>();
    public static double MaxAbsDiff(Tensor a, Tensor b) => Max(a.to_type(ScalarType.Float64).sub(b.to_type(ScalarType.Float64)).abs());
}
