using BamOrleans.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>
/// LARS as in the SimCLR/BYOL/DINO/Barlow Twins code (DINO's utils.LARS): SGD with momentum
/// where each decay-group tensor's update is rescaled by a layer-wise trust ratio.
/// <code>
/// decay group:     d = g + wd·p
///                  q = η·‖p‖ / ‖d‖   (q = 1 when ‖p‖ = 0 or ‖d‖ = 0)
///                  d ← q·d
/// no-decay group:  d = g             (biases and norm parameters: no decay, no adaptation)
/// all:             μ ← momentum·μ + d
///                  p ← p − lr·μ
/// </code>
/// Norms are Frobenius norms over the whole tensor. η = 0.001, momentum 0.9 by default.
/// State: "step", and per parameter "&lt;name&gt;.momentum_buffer".
/// </summary>
public sealed class Lars : OptimizerBase
{
    private readonly Tensor[] _momentumBuffers;

    public Lars(ParameterGroups groups, double momentum = 0.9, double trustCoefficient = 0.001) : base(groups)
    {
        if (momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        if (!(trustCoefficient > 0)) throw new ArgumentOutOfRangeException(nameof(trustCoefficient), trustCoefficient, "η must be > 0.");
        Momentum = momentum;
        TrustCoefficient = trustCoefficient;
        _momentumBuffers = new Tensor[Entries.Count];
        for (var i = 0; i < Entries.Count; i++)
        {
            _momentumBuffers[i] = ZerosLike(Entries[i].Parameter);
            AddState(Entries[i].Name + ".momentum_buffer", _momentumBuffers[i]);
        }
    }

    public double Momentum { get; }

    /// <summary>η in the trust ratio.</summary>
    public double TrustCoefficient { get; }

    public override void Step(double learningRate, double weightDecay)
    {
        ValidateHyperparameters(learningRate, weightDecay);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var momentum = Momentum.ToScalar();
        using var weightDecayScalar = weightDecay.ToScalar();
        using var trust = TrustCoefficient.ToScalar();
        using var negativeLearningRate = (-learningRate).ToScalar();
        using var zero = 0.0.ToScalar();
        for (var i = 0; i < Entries.Count; i++)
        {
            var (_, parameter, decays) = Entries[i];
            var grad = parameter.grad;
            if (grad is null)
                continue;
            var update = grad;
            if (decays)
            {
                update = grad.add(parameter, alpha: weightDecayScalar);
                // Ratio computed on the device with where(): no host sync per tensor.
                var parameterNorm = parameter.norm();
                var updateNorm = update.norm();
                var ratio = parameterNorm.mul(trust).div_(updateNorm);
                var adapt = parameterNorm.gt(zero).logical_and_(updateNorm.gt(zero));
                update = update.mul_(where(adapt, ratio, ones_like(ratio)));
            }
            _momentumBuffers[i].mul_(momentum).add_(update);
            parameter.add_(_momentumBuffers[i], alpha: negativeLearningRate);
        }
        StepCount++;
    }
}
