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
    public required GoldenMatrix Z { get; init; }
    public required GoldenMatrix Prototypes { get; init; }
    /// <summary>Per assignment view, the queue rows (newest first), or null without a queue.</summary>
    public IReadOnlyList<GoldenMatrix>? Queue { get; init; }
    public required double ExpectedLoss { get; init; }
    public required IReadOnlyList<GoldenMatrix> ExpectedCodes { get; init; }
    public required GoldenMatrix ExpectedGradZ { get; init; }
    public required GoldenMatrix ExpectedGradPrototypes { get; init; }

    /// <summary>Relative tolerance for this fixture's dtype.</summary>
    public double Tolerance => GoldenFiles.Tolerance(Dtype);

    public static string Directory => GoldenFiles.Directory("swav");

    public static IEnumerable<string> Names() => GoldenFiles.Names("swav");

    public static SwavFixture Load(string name)
    {
        using var doc = GoldenFiles.Open("swav", name);
        var root = doc.RootElement;
        var dtype = GoldenFiles.Dtype(root, name);
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
            Z = GoldenMatrix.Read(root.GetProperty("z"), dtype),
            Prototypes = GoldenMatrix.Read(root.GetProperty("prototypes"), dtype),
            Queue = root.TryGetProperty("queue", out var q) ? q.EnumerateArray().Select(e => GoldenMatrix.Read(e, dtype)).ToList() : null,
            ExpectedLoss = expected.GetProperty("loss").GetDouble(),
            ExpectedCodes = expected.GetProperty("codes").EnumerateArray().Select(e => GoldenMatrix.Read(e, dtype)).ToList(),
            ExpectedGradZ = GoldenMatrix.Read(expected.GetProperty("grad_z"), dtype),
            ExpectedGradPrototypes = GoldenMatrix.Read(expected.GetProperty("grad_prototypes"), dtype),
        };
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

    /// <summary>Relative error as every golden test measures it (<see cref="Objective.BamParity.RelativeError"/>):
    /// normalised by the largest reference magnitude, so near-zero codes of far prototypes do not blow it up.</summary>
    public static double RelativeError(double[] actual, double[] expected) => Objective.BamParity.RelativeError(actual, expected);

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
