using System.Text.Json;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

/// <summary>One golden case written by tools/reference/bam_reference.py --write-fixtures.</summary>
internal sealed class BamFixture
{
    public required string Name { get; init; }
    public required ScalarType Dtype { get; init; }
    public required double Epsilon { get; init; }
    public required BamOptions Options { get; init; }
    public required long[] ZShape { get; init; }
    public required double[] Z { get; init; }
    public double[]? ZTeacher { get; init; }
    public required double ExpectedLoss { get; init; }
    public required long[] TargetsShape { get; init; }
    public required double[] ExpectedTargets { get; init; }
    public required double[] ExpectedGrad { get; init; }

    /// <summary>Relative tolerance for this fixture's dtype.</summary>
    public double Tolerance => GoldenFiles.Tolerance(Dtype);

    public static string Directory => GoldenFiles.Directory("bam");

    public static IEnumerable<string> Names() => GoldenFiles.Names("bam");

    public static BamFixture Load(string name)
    {
        using var doc = GoldenFiles.Open("bam", name);
        var root = doc.RootElement;
        var dtype = GoldenFiles.Dtype(root, name);
        var o = root.GetProperty("options");
        var expected = root.GetProperty("expected");
        return new BamFixture
        {
            Name = name,
            Dtype = dtype,
            Epsilon = root.GetProperty("epsilon").GetDouble(),
            Options = new BamOptions
            {
                GlobalViews = o.GetProperty("global_views").GetInt32(),
                LocalViews = o.GetProperty("local_views").GetInt32(),
                TargetViews = o.GetProperty("target_views").GetInt32(),
                Temperature = o.GetProperty("temperature").GetDouble(),
                SinkhornIterations = o.GetProperty("sinkhorn_iterations").GetInt32(),
                TopK = o.GetProperty("top_k").GetInt32(),
                UseEmaTeacher = o.GetProperty("use_ema_teacher").GetBoolean(),
            },
            ZShape = Shape(root.GetProperty("z")),
            Z = Data(root.GetProperty("z"), dtype),
            ZTeacher = root.TryGetProperty("z_teacher", out var zt) ? Data(zt, dtype) : null,
            ExpectedLoss = expected.GetProperty("loss").GetDouble(),
            TargetsShape = Shape(expected.GetProperty("targets")),
            ExpectedTargets = Data(expected.GetProperty("targets"), dtype),
            ExpectedGrad = Data(expected.GetProperty("grad"), dtype),
        };
    }

    /// <summary>A fresh leaf tensor of the fixture's input, in the fixture's dtype.</summary>
    public Tensor Input(double[] data, bool requiresGrad) =>
        tensor(data, dtype: ScalarType.Float64).view(ZShape).to_type(Dtype).requires_grad_(requiresGrad);

    private static long[] Shape(JsonElement e) => e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();

    // float32 values are parsed as float directly, so they are the exact values the reference used.
    private static double[] Data(JsonElement e, ScalarType dtype) =>
        e.GetProperty("data").EnumerateArray()
            .Select(x => dtype == ScalarType.Float32 ? x.GetSingle() : x.GetDouble()).ToArray();
}

/// <summary>What the C# objective computes on one fixture.</summary>
internal sealed record BamParity(string Name, ScalarType Dtype, double LossError, double TargetsError, double GradError, string? ShapeProblem)
{
    /// <summary>
    /// Relative error: max|a − b| / max(max|b|, tiny), b the reference. Normalising by the largest
    /// reference magnitude (not element-wise) keeps near-zero entries, e.g. masked targets, from
    /// blowing the ratio up; tiny guards the all-zero reference of the degenerate case.
    /// </summary>
    public static double RelativeError(double[] actual, double[] expected)
    {
        if (actual.Length != expected.Length)
            return double.PositiveInfinity;
        double diff = 0, scale = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(actual[i] - expected[i]);
            diff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(diff, d);
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / Math.Max(scale, 1e-300);
    }

    public static BamParity Measure(BamFixture f)
    {
        using var scope = NewDisposeScope();
        var z = f.Input(f.Z, requiresGrad: true);
        var teacher = f.ZTeacher is null ? null : f.Input(f.ZTeacher, requiresGrad: false);
        using var result = BamLoss.Compute(z, f.Options, f.Epsilon, teacher);
        if (result.Loss.dtype != f.Dtype || result.Targets.dtype != f.Dtype)
            return new(f.Name, f.Dtype, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                $"computed in {result.Loss.dtype}/{result.Targets.dtype}, fixture is {f.Dtype}");
        result.Loss.backward();
        string? shapeProblem = result.Targets.shape.SequenceEqual(f.TargetsShape)
            ? null
            : $"targets shape [{string.Join(", ", result.Targets.shape)}] vs reference [{string.Join(", ", f.TargetsShape)}]";
        var loss = result.Loss.to_type(ScalarType.Float64).item<double>();
        var targets = result.Targets.to_type(ScalarType.Float64).data<double>().ToArray();
        var grad = z.grad!.to_type(ScalarType.Float64).data<double>().ToArray();
        return new(f.Name, f.Dtype,
            RelativeError([loss], [f.ExpectedLoss]),
            RelativeError(targets, f.ExpectedTargets),
            RelativeError(grad, f.ExpectedGrad),
            shapeProblem);
    }
}
