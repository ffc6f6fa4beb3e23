using System.Text.Json;
using BamOrleans.Core.Objectives.Swav;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>One golden case written by tools/reference/swav_reference.py --write-fixtures.</summary>
internal sealed class SwavFixture
{
    public required string Name { get; init; }
    public required ScalarType Dtype { get; init; }
    public required SwavOptions Options { get; init; }
    public required int Batch { get; init; }
    public required Matrix Z { get; init; }
    public required Matrix Prototypes { get; init; }
    /// <summary>Per assignment view, the queue rows (newest first), or null without a queue.</summary>
    public IReadOnlyList<Matrix>? Queue { get; init; }
    public required double ExpectedLoss { get; init; }
    public required IReadOnlyList<Matrix> ExpectedCodes { get; init; }
    public required Matrix ExpectedGradZ { get; init; }
    public required Matrix ExpectedGradPrototypes { get; init; }

    /// <summary>Relative tolerance for this fixture's dtype, as DESIGN sets it.</summary>
    public double Tolerance => Dtype == ScalarType.Float64 ? 1e-6 : 1e-4;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "swav");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static SwavFixture Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")));
        var root = doc.RootElement;
        var dtype = root.GetProperty("dtype").GetString() switch
        {
            "float64" => ScalarType.Float64,
            "float32" => ScalarType.Float32,
            var other => throw new InvalidDataException($"{name}: unknown dtype {other}"),
        };
        var o = root.GetProperty("options");
        var expected = root.GetProperty("expected");
        return new SwavFixture
        {
            Name = name,
            Dtype = dtype,
            Batch = root.GetProperty("batch").GetInt32(),
            Options = new SwavOptions
            {
                GlobalViews = o.GetProperty("global_views").GetInt32(),
                LocalViews = o.GetProperty("local_views").GetInt32(),
                Prototypes = o.GetProperty("prototypes").GetInt32(),
                Epsilon = o.GetProperty("epsilon").GetDouble(),
                SinkhornIterations = o.GetProperty("sinkhorn_iterations").GetInt32(),
                Temperature = o.GetProperty("temperature").GetDouble(),
                QueueLength = o.GetProperty("queue_length").GetInt32(),
            },
            Z = Matrix.Read(root.GetProperty("z"), dtype),
            Prototypes = Matrix.Read(root.GetProperty("prototypes"), dtype),
            Queue = root.TryGetProperty("queue", out var q) ? q.EnumerateArray().Select(e => Matrix.Read(e, dtype)).ToList() : null,
            ExpectedLoss = expected.GetProperty("loss").GetDouble(),
            ExpectedCodes = expected.GetProperty("codes").EnumerateArray().Select(e => Matrix.Read(e, dtype)).ToList(),
            ExpectedGradZ = Matrix.Read(expected.GetProperty("grad_z"), dtype),
            ExpectedGradPrototypes = Matrix.Read(expected.GetProperty("grad_prototypes"), dtype),
        };
    }

    /// <summary>A matrix from the JSON: shape and row-major values.</summary>
    internal sealed record Matrix(long[] Shape, double[] Data)
    {
        // float32 values are parsed as float directly, so they are the exact values the reference used.
        public static Matrix Read(JsonElement e, ScalarType dtype) => new(
            e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
            e.GetProperty("data").EnumerateArray().Select(x => dtype == ScalarType.Float32 ? x.GetSingle() : x.GetDouble()).ToArray());

        /// <summary>A fresh leaf tensor in <paramref name="dtype"/>.</summary>
        public Tensor ToTensor(ScalarType dtype, bool requiresGrad = false) =>
            tensor(Data, dtype: ScalarType.Float64).view(Shape).to_type(dtype).requires_grad_(requiresGrad);
    }
}

/// <summary>What the C# SwAV math computes on one fixture, as relative errors against the reference.</summary>
internal sealed record SwavParity(string Name, ScalarType Dtype, double LossError, double CodesError, double GradZError, double GradPrototypesError, string? Problem)
{
    public static readonly string[] Quantities = ["loss", "codes", "grad_z", "grad_prototypes"];

    public double Error(string quantity) => quantity switch
    {
        "loss" => LossError,
        "codes" => CodesError,
        "grad_z" => GradZError,
        "grad_prototypes" => GradPrototypesError,
        _ => throw new ArgumentOutOfRangeException(nameof(quantity)),
    };

    /// <summary>
    /// Relative error: max|a − b| / max(max|b|, tiny), b the reference. Normalising by the largest
    /// reference magnitude (not element-wise) keeps near-zero entries, e.g. codes of far
    /// prototypes, from blowing the ratio up. Different lengths or NaN count as infinite.
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

    /// <summary>
    /// The official step's loss path: scores = z·Pᵀ; per assignment view, codes from Sinkhorn on
    /// the queue rows scored against the current prototypes followed by the batch rows, keeping
    /// the batch's last B rows; then the swapped-prediction loss and its backward.
    /// </summary>
    public static SwavParity Measure(SwavFixture f)
    {
        using var scope = NewDisposeScope();
        var o = f.Options;
        var z = f.Z.ToTensor(f.Dtype, requiresGrad: true);
        var prototypes = f.Prototypes.ToTensor(f.Dtype, requiresGrad: true);
        var scores = z.mm(prototypes.t());
        var codes = new List<Tensor>();
        for (var a = 0; a < o.GlobalViews; a++)
        {
            var rows = scores.narrow(0, a * f.Batch, f.Batch).detach();
            if (f.Queue is { } queue)
            {
                using var noGrad = no_grad();
                rows = cat([queue[a].ToTensor(f.Dtype).mm(prototypes.detach().t()), rows], 0);
            }
            var all = SwavMath.Codes(rows, o.Epsilon, o.SinkhornIterations);
            codes.Add(all.narrow(0, all.shape[0] - f.Batch, f.Batch));
        }
        var loss = SwavMath.SwappedPredictionLoss(scores, codes, o.Views, o.Temperature);
        if (loss.dtype != f.Dtype || codes.Any(c => c.dtype != f.Dtype))
            return new(f.Name, f.Dtype, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                $"computed in {loss.dtype}, fixture is {f.Dtype}");
        loss.backward();
        var problem = codes.Count != f.ExpectedCodes.Count
            ? $"{codes.Count} code views vs reference {f.ExpectedCodes.Count}"
            : codes.Zip(f.ExpectedCodes).Where(p => !p.First.shape.SequenceEqual(p.Second.Shape))
                .Select(p => $"codes shape [{string.Join(", ", p.First.shape)}] vs reference [{string.Join(", ", p.Second.Shape)}]").FirstOrDefault();
        return new(f.Name, f.Dtype,
            RelativeError([loss.to_type(ScalarType.Float64).item<double>()], [f.ExpectedLoss]),
            RelativeError(codes.SelectMany(Values).ToArray(), f.ExpectedCodes.SelectMany(c => c.Data).ToArray()),
            RelativeError(Values(z.grad!), f.ExpectedGradZ.Data),
            RelativeError(Values(prototypes.grad!), f.ExpectedGradPrototypes.Data),
            problem);
    }

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();
}
