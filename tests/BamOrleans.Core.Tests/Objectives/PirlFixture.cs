using System.Text.Json;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Tests.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>One golden case written by tools/reference/pirl_reference.py --write-fixtures.</summary>
internal sealed class PirlFixture
{
    public required string Name { get; init; }
    public required ScalarType Dtype { get; init; }
    public required PirlOptions Options { get; init; }
    public required GoldenMatrix F { get; init; }
    public required GoldenMatrix G { get; init; }
    public required GoldenMatrix Memory { get; init; }
    public required GoldenMatrix Negatives { get; init; }
    public required double ExpectedLoss { get; init; }
    public required GoldenMatrix ExpectedGradF { get; init; }
    public required GoldenMatrix ExpectedGradG { get; init; }
    public required GoldenMatrix ExpectedMemory { get; init; }

    /// <summary>Relative tolerance for this fixture's dtype.</summary>
    public double Tolerance => GoldenFiles.Tolerance(Dtype);

    public static string Directory => GoldenFiles.Directory("pirl");

    public static IEnumerable<string> Names() => GoldenFiles.Names("pirl");

    public static PirlFixture Load(string name)
    {
        using var doc = GoldenFiles.Open("pirl", name);
        var root = doc.RootElement;
        var dtype = GoldenFiles.Dtype(root, name);
        var o = root.GetProperty("options");
        var expected = root.GetProperty("expected");
        return new PirlFixture
        {
            Name = name,
            Dtype = dtype,
            Options = new PirlOptions
            {
                Negatives = o.GetProperty("negatives").GetInt32(),
                Temperature = o.GetProperty("temperature").GetDouble(),
                Lambda = o.GetProperty("lambda").GetDouble(),
                MemoryMomentum = o.GetProperty("memory_momentum").GetDouble(),
            },
            F = GoldenMatrix.Read(root.GetProperty("f"), dtype),
            G = GoldenMatrix.Read(root.GetProperty("g"), dtype),
            Memory = GoldenMatrix.Read(root.GetProperty("memory"), dtype),
            Negatives = GoldenMatrix.Read(root.GetProperty("negatives"), dtype),
            ExpectedLoss = expected.GetProperty("loss").GetDouble(),
            ExpectedGradF = GoldenMatrix.Read(expected.GetProperty("grad_f"), dtype),
            ExpectedGradG = GoldenMatrix.Read(expected.GetProperty("grad_g"), dtype),
            ExpectedMemory = GoldenMatrix.Read(expected.GetProperty("updated_memory"), dtype),
        };
    }

    /// <summary>A fresh leaf tensor of <paramref name="m"/>, in the fixture's dtype.</summary>
    public Tensor Input(GoldenMatrix m, bool requiresGrad = false) => m.ToTensor(Dtype, requiresGrad);
}

/// <summary>What PirlMath computes on one fixture, as relative errors against the reference.</summary>
internal sealed record PirlParity(double Loss, double GradF, double GradG, double Memory, string? Problem)
{
    public static readonly (string Name, Func<PirlParity, double> Pick)[] Quantities =
        [("loss", p => p.Loss), ("grad_f", p => p.GradF), ("grad_g", p => p.GradG), ("memory", p => p.Memory)];

    public static PirlParity Measure(PirlFixture fx)
    {
        using var scope = NewDisposeScope();
        var f = fx.Input(fx.F, requiresGrad: true);
        var g = fx.Input(fx.G, requiresGrad: true);
        var memory = fx.Input(fx.Memory);
        var negatives = fx.Input(fx.Negatives);
        var loss = PirlMath.Loss(f, g, memory, negatives, fx.Options);
        var updated = PirlMath.UpdatedMemory(memory, f, fx.Options.MemoryMomentum);
        if (loss.dtype != fx.Dtype || updated.dtype != fx.Dtype)
            return new(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                $"computed in {loss.dtype}/{updated.dtype}, fixture is {fx.Dtype}");
        loss.backward();
        string? problem = updated.shape.SequenceEqual(fx.ExpectedMemory.Shape) ? null
            : $"updated memory shape [{string.Join(", ", updated.shape)}] vs reference [{string.Join(", ", fx.ExpectedMemory.Shape)}]";
        return new(
            BamParity.RelativeError([loss.to_type(ScalarType.Float64).item<double>()], [fx.ExpectedLoss]),
            BamParity.RelativeError(Values(f.grad!), fx.ExpectedGradF.Data),
            BamParity.RelativeError(Values(g.grad!), fx.ExpectedGradG.Data),
            BamParity.RelativeError(Values(updated), fx.ExpectedMemory.Data),
            problem);
    }

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();
}
