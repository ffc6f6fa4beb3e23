using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

/// <summary>Five steps of each optimizer against PyTorch (AdamW) and the LARS formula (fixtures).</summary>
public class OptimizerGoldenTests
{
    private const double RelativeTolerance = 1e-6;

    [Fact]
    public void AdamW_matches_torch_optim_AdamW()
    {
        var fixture = OptimFixture.Load("adamw.json");
        var groups = fixture.CreateParameters();
        using var optimizer = new AdamW(groups, fixture.Hyper("beta1"), fixture.Hyper("beta2"), fixture.Hyper("epsilon"));
        RunAndCompare(fixture, groups, optimizer);
    }

    [Theory]
    [InlineData("lars.json")]
    [InlineData("lars_eta0.02.json")]
    public void Lars_matches_the_reference_formula(string fileName)
    {
        var fixture = OptimFixture.Load(fileName);
        var groups = fixture.CreateParameters();
        using var optimizer = new Lars(groups, fixture.Hyper("momentum"), fixture.Hyper("trust_coefficient"));
        RunAndCompare(fixture, groups, optimizer);
    }

    private static void RunAndCompare(OptimFixture fixture, BamOrleans.Core.Models.ParameterGroups groups, IOptimizer optimizer)
    {
        for (var step = 0; step < fixture.Steps.Count; step++)
        {
            fixture.SetGradients(groups, step);
            optimizer.Step(fixture.Steps[step].LearningRate, fixture.Steps[step].WeightDecay);
            Assert.Equal(step + 1, optimizer.StepCount);
            foreach (var (name, parameter) in groups.All)
            {
                var actual = parameter.detach().data<double>().ToArray();
                var expected = fixture.Steps[step].After[name];
                for (var i = 0; i < expected.Length; i++)
                {
                    var error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1e-12);
                    Assert.True(error <= RelativeTolerance,
                        $"step {step + 1}, {name}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (relative error {error:E2})");
                }
            }
        }
    }
}
