using System.Text.Json;
using BamOrleans.Core.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

/// <summary>
/// A golden optimizer trajectory written by tools/reference/optim_reference.py: initial float64
/// parameters with their group, and per step the lr, weight decay, gradients and the
/// parameters after the step.
/// </summary>
internal sealed class OptimFixture
{
    private OptimFixture(JsonElement root)
    {
        Root = root;
        Parameters = root.GetProperty("parameters").EnumerateArray()
            .Select(p => new FixtureParameter(
                p.GetProperty("name").GetString()!,
                p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                p.GetProperty("group").GetString() == "decay",
                Doubles(p.GetProperty("initial"))))
            .ToArray();
        Steps = root.GetProperty("steps").EnumerateArray()
            .Select(s => new FixtureStep(
                s.GetProperty("lr").GetDouble(),
                s.GetProperty("weight_decay").GetDouble(),
                s.GetProperty("grads").EnumerateObject().ToDictionary(g => g.Name, g => Doubles(g.Value)),
                s.GetProperty("after").EnumerateObject().ToDictionary(g => g.Name, g => Doubles(g.Value))))
            .ToArray();
    }

    public JsonElement Root { get; }

    public IReadOnlyList<FixtureParameter> Parameters { get; }

    public IReadOnlyList<FixtureStep> Steps { get; }

    public double Hyper(string name) => Root.GetProperty("hyper").GetProperty(name).GetDouble();

    public static OptimFixture Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "optim", fileName);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new OptimFixture(document.RootElement.Clone());
    }

    /// <summary>Fresh float64 parameters at their initial values, split into the fixture's groups.</summary>
    public ParameterGroups CreateParameters()
    {
        var decay = new List<NamedParameter>();
        var noDecay = new List<NamedParameter>();
        foreach (var p in Parameters)
        {
            var parameter = new Parameter(tensor(p.Initial, p.Shape, ScalarType.Float64));
            (p.Decays ? decay : noDecay).Add(new NamedParameter(p.Name, parameter));
        }
        return new ParameterGroups(decay, noDecay);
    }

    /// <summary>Puts step <paramref name="index"/>'s gradients into the parameters' .grad.</summary>
    public void SetGradients(ParameterGroups groups, int index)
    {
        foreach (var (name, parameter) in groups.All)
        {
            var shape = Parameters.Single(p => p.Name == name).Shape;
            parameter.grad = tensor(Steps[index].Grads[name], shape, ScalarType.Float64);
        }
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}

internal sealed record FixtureParameter(string Name, long[] Shape, bool Decays, double[] Initial);

internal sealed record FixtureStep(double LearningRate, double WeightDecay, Dictionary<string, double[]> Grads, Dictionary<string, double[]> After);
