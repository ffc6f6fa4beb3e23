using BamOrleans.Core.Objective;
using BamOrleans.Core.Optim;

namespace BamOrleans.Core.Training;

/// <summary>The per-step values of every schedule of a run, as pure functions of the step, so a
/// resumed or distributed run recomputes them instead of storing them.</summary>
public sealed class TrainingSchedules
{
    private readonly CosineSchedule _learningRate;
    private readonly CosineSchedule _weightDecay;
    private readonly CosineSchedule _emaMomentum;
    private readonly EpsilonSchedule _epsilon;
    private readonly int _stepsPerEpoch;

    public TrainingSchedules(TrainingConfig config, int stepsPerEpoch)
    {
        var o = config.Optimization;
        var peak = o.BaseLearningRate * config.GlobalBatch / 256.0;
        // A short run (a smoke test, a quick look) keeps a warm-up proportionate to its length.
        var warmup = Math.Min(o.WarmupSteps, config.Steps / 10);
        _learningRate = new CosineSchedule(peak, o.MinLearningRate, config.Steps, warmup);
        _weightDecay = new CosineSchedule(o.WeightDecay, o.WeightDecayEnd, config.Steps);
        _emaMomentum = new CosineSchedule(o.EmaMomentum, o.EmaMomentumEnd, config.Steps);
        _epsilon = new EpsilonSchedule(config.Objective.Epsilon, config.Objective.EpsilonFinal ?? config.Objective.Epsilon,
            config.Objective.EpsilonWarmupEpochs);
        _stepsPerEpoch = stepsPerEpoch;
    }

    public double LearningRate(long step) => _learningRate.At(step);

    public double WeightDecay(long step) => _weightDecay.At(step);

    public double EmaMomentum(long step) => _emaMomentum.At(step);

    /// <summary>ε follows the official per-epoch warm-up, evaluated at the step's fractional epoch.</summary>
    public double Epsilon(long step) => _epsilon.At((double)step / _stepsPerEpoch);
}
