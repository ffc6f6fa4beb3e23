using BamOrleans.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>
/// torch.optim.AdamW (amsgrad off), step for step as torch 1.13's single-tensor path:
/// <code>
/// t ← t + 1                                  (per parameter, skipped when .grad is undefined)
/// p ← p · (1 − lr·wd)                        (decoupled decay; wd = 0 for the no-decay group)
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// State: "step", and per parameter "&lt;name&gt;.exp_avg", "&lt;name&gt;.exp_avg_sq", "&lt;name&gt;.step".
/// </summary>
public sealed class AdamW : OptimizerBase
{
    private readonly Tensor[] _expAvg;
    private readonly Tensor[] _expAvgSq;
    private readonly long[] _steps;
    private readonly Tensor[] _stepTensors;

    public AdamW(ParameterGroups groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : base(groups)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be > 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        var count = Entries.Count;
        _expAvg = new Tensor[count];
        _expAvgSq = new Tensor[count];
        _steps = new long[count];
        _stepTensors = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            var entry = Entries[i];
            _expAvg[i] = ZerosLike(entry.Parameter);
            _expAvgSq[i] = ZerosLike(entry.Parameter);
            _stepTensors[i] = ScalarState();
            AddState(entry.Name + ".exp_avg", _expAvg[i]);
            AddState(entry.Name + ".exp_avg_sq", _expAvgSq[i]);
            AddState(entry.Name + ".step", _stepTensors[i]);
        }
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public override void Step(double learningRate, double weightDecay)
    {
        ValidateHyperparameters(learningRate, weightDecay);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Scalars are not tracked by dispose scopes: create them explicitly and dispose them.
        using var beta1 = Beta1.ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var decayFactor = (1 - learningRate * weightDecay).ToScalar();
        for (var i = 0; i < Entries.Count; i++)
        {
            var (_, parameter, decays) = Entries[i];
            var grad = parameter.grad;
            if (grad is null)
                continue;
            var step = ++_steps[i];
            if (decays)
                parameter.mul_(decayFactor);
            _expAvg[i].mul_(beta1).add_(grad, alpha: oneMinusBeta1);
            _expAvgSq[i].mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);

            var biasCorrection1 = 1 - Math.Pow(Beta1, step);
            var biasCorrection2 = 1 - Math.Pow(Beta2, step);
            using var biasCorrection2Sqrt = Math.Sqrt(biasCorrection2).ToScalar();
            using var negativeStepSize = (-learningRate / biasCorrection1).ToScalar();
            var denominator = _expAvgSq[i].sqrt().div_(biasCorrection2Sqrt).add_(epsilon);
            parameter.addcdiv_(_expAvg[i], denominator, value: negativeStepSize);
        }
        StepCount++;
    }

    protected override void SyncCountersToState()
    {
        for (var i = 0; i < _steps.Length; i++)
            _stepTensors[i].fill_(_steps[i]);
    }

    protected override void SyncCountersFromState()
    {
        for (var i = 0; i < _steps.Length; i++)
            _steps[i] = _stepTensors[i].item<long>();
    }
}
