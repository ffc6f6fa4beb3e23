using BamOrleans.Core.Tests.Models;
using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

public class OptimizerStateTests
{
    public static TheoryData<string> Optimizers => new() { "adamw", "lars" };

    private static IOptimizer Create(string kind, ParameterGroups groups) =>
        kind == "adamw" ? new AdamW(groups) : new Lars(groups, trustCoefficient: 0.02);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Restored_state_reproduces_the_next_step_exactly(string kind)
    {
        var fixture = OptimFixture.Load("adamw.json");
        var original = fixture.CreateParameters();
        using var first = Create(kind, original);
        for (var step = 0; step < 3; step++)
        {
            fixture.SetGradients(original, step);
            first.Step(fixture.Steps[step].LearningRate, fixture.Steps[step].WeightDecay);
        }
        // "Checkpoint": copies of the parameters and of the optimizer state.
        var saved = first.StateTensors().Select(s => (s.Name, s.Tensor.clone())).ToList();
        var restored = new ParameterGroups(
            original.Decay.Select(p => new NamedParameter(p.Name, new TorchSharp.Modules.Parameter(p.Parameter.detach().clone()))),
            original.NoDecay.Select(p => new NamedParameter(p.Name, new TorchSharp.Modules.Parameter(p.Parameter.detach().clone()))));
        using var second = Create(kind, restored);
        second.LoadState(saved);
        Assert.Equal(3, second.StepCount);

        fixture.SetGradients(original, 3);
        fixture.SetGradients(restored, 3);
        first.Step(0.07, 0.3);
        second.Step(0.07, 0.3);

        foreach (var ((name, a), (_, b)) in original.All.Zip(restored.All))
            Assert.True(TensorIdentity.AreIdentical(a, b), $"{name} differs after the restored step");
        foreach (var ((name, a), (_, b)) in first.StateTensors().Zip(second.StateTensors()))
            Assert.True(TensorIdentity.AreIdentical(a, b), $"state {name} differs after the restored step");
    }

    [Fact]
    public void State_names_are_stable_and_complete()
    {
        var groups = OptimFixture.Load("adamw.json").CreateParameters();
        using var adamw = new AdamW(groups);
        using var lars = new Lars(groups);

        var adamwNames = adamw.StateTensors().Select(s => s.Name).ToList();
        Assert.Equal("step", adamwNames[0]);
        Assert.Contains("layer.weight.exp_avg", adamwNames);
        Assert.Contains("layer.bias.exp_avg_sq", adamwNames);
        Assert.Contains("zero.weight.step", adamwNames);
        Assert.Equal(1 + 3 * groups.All.Count(), adamwNames.Count);
        Assert.Equal(["step", .. groups.All.Select(p => p.Name + ".momentum_buffer")], lars.StateTensors().Select(s => s.Name));
    }

    [Fact]
    public void LoadState_names_missing_misshaped_and_unknown_entries_and_copies_nothing()
    {
        var groups = OptimFixture.Load("adamw.json").CreateParameters();
        using var optimizer = new AdamW(groups);
        var state = optimizer.StateTensors().Select(s => (s.Name, Tensor: s.Tensor.clone().fill_(7))).ToList();
        state.RemoveAll(s => s.Name == "layer.weight.exp_avg");
        var index = state.FindIndex(s => s.Name == "conv.weight.exp_avg_sq");
        state[index] = (state[index].Name, zeros(3, 3, dtype: ScalarType.Float64));
        state.Add(("mystery", zeros(1)));

        var error = Assert.Throws<ArgumentException>(() => optimizer.LoadState(state));
        Assert.Contains("'layer.weight.exp_avg' is missing", error.Message);
        Assert.Contains("'conv.weight.exp_avg_sq' has shape [3, 3], expected [2, 1, 2, 2]", error.Message);
        Assert.Contains("'mystery' is not part of", error.Message);
        Assert.All(optimizer.StateTensors(), s => Assert.Equal(0, s.Tensor.abs().sum().to_type(ScalarType.Float64).item<double>()));
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void ZeroGrad_zeroes_gradients_in_place_and_parameters_without_grad_are_skipped()
    {
        var fixture = OptimFixture.Load("adamw.json");
        var groups = fixture.CreateParameters();
        using var optimizer = new AdamW(groups);
        var untouched = groups.NoDecay[0].Parameter;
        var before = untouched.detach().clone();
        fixture.SetGradients(groups, 0);
        untouched.grad = null;

        optimizer.Step(0.1, 0.1);
        Assert.True(TensorIdentity.AreIdentical(untouched, before));
        Assert.Equal(0, optimizer.StateTensors().Single(s => s.Name == groups.NoDecay[0].Name + ".step").Tensor.item<long>());

        var grad = groups.Decay[0].Parameter.grad!;
        optimizer.ZeroGrad();
        Assert.Equal(0, grad.abs().sum().item<double>());
        Assert.Equal(0, groups.Decay[0].Parameter.grad!.abs().sum().item<double>());
    }

    [Fact]
    public void Bad_hyperparameters_are_rejected()
    {
        var groups = OptimFixture.Load("adamw.json").CreateParameters();
        using var optimizer = new AdamW(groups);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(double.NaN, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(0.1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lars(groups, momentum: 1.0));
    }
}
