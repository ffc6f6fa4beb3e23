using System.Diagnostics;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Optim;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Training;

/// <summary>
/// Training end to end in one process: sample the global batch, make the views, embed, compute the
/// objective, step the optimizer. This is the reference the distributed system must equal and
/// the baseline for its overhead, so it is deterministic on CPU for a given config.
/// </summary>
/// <remarks>BAM's loss is computed directly on the whole batch (<see cref="BamLoss"/>, the
/// reference of its distributed protocol); the other objectives run through their slot and leader
/// halves as one slot (<see cref="OneSlotObjective"/>), per-image memory in a local tensor.</remarks>
public sealed class SingleProcessTrainer : IDisposable
{
    private readonly TrainingConfig _config;
    private readonly IImageDataset _data;
    private readonly ILogger _log;
    private readonly EpochSampler _sampler;
    private readonly MultiViewAugmenter _augmenter;
    private readonly TrainingSchedules _schedules;
    private readonly IOptimizer _optimizer;
    private readonly Objectives.ITrainingObjective _objective;
    private readonly OneSlotObjective? _oneSlot;

    public SingleProcessTrainer(TrainingConfig config, IImageDataset data, PixelNormalizer normalizer, ILogger log)
    {
        var problems = config.Validate().ToList();
        if (data.Shape.Channels != config.Encoder.InChannels)
            problems.Add($"encoder.inChannels = {config.Encoder.InChannels} but dataset '{data.Name}' has {data.Shape.Channels} channel(s): set them equal.");
        if (data.Count < config.GlobalBatch)
            problems.Add($"globalBatch = {config.GlobalBatch} exceeds the {data.Count} images of '{data.Name}': lower it.");
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);

        _config = config;
        _data = data;
        _log = log.ForContext<SingleProcessTrainer>();
        _sampler = new EpochSampler(config.Seed, data.Count, config.GlobalBatch);
        _objective = config.TrainingObjective();
        _augmenter = new MultiViewAugmenter(config.Augmentation, _objective.GlobalViews,
            _objective.LocalViews, config.Seed, normalizer);
        if (config.Method != Objectives.Bam.BamObjective.Name)
            _oneSlot = new OneSlotObjective(_objective, data.Count, config.Seed);
        _schedules = new TrainingSchedules(config, _sampler.StepsPerEpoch);

        Model = Encoder.Create(config.Model, config.Seed);
        Teacher = _objective.UsesTeacher ? EmaTeacher.CreateTeacher(Model) : null;
        _optimizer = OptimizerFactory.Create(config.Optimization.Optimizer, Model);
    }

    /// <summary>The student encoder being trained.</summary>
    public Encoder Model { get; }

    /// <summary>The momentum teacher, when the config asks for one.</summary>
    public Encoder? Teacher { get; }

    public long NextStep { get; private set; }

    public int StepsPerEpoch => _sampler.StepsPerEpoch;

    /// <summary>Runs steps until the planned total, the time budget or cancellation, whichever
    /// comes first.</summary>
    public IReadOnlyList<StepRecord> Run(TimeSpan? budget = null, Action<StepRecord>? onStep = null,
        CancellationToken cancellation = default)
    {
        var records = new List<StepRecord>();
        var clock = Stopwatch.StartNew();
        while (NextStep < _config.Steps && !cancellation.IsCancellationRequested)
        {
            if (budget is { } b && clock.Elapsed >= b)
            {
                _log.Information("Time budget of {Budget} reached after {Steps} steps", b, records.Count);
                break;
            }
            var record = Step();
            records.Add(record);
            onStep?.Invoke(record);
        }
        return records;
    }

    /// <summary>One optimizer step on the next global batch.</summary>
    public StepRecord Step() => Step(_sampler.IndicesFor(NextStep));

    /// <summary>
    /// One optimizer step on the given samples (dataset indices, in batch order) — the samples a
    /// cluster's slots drew for this step, concatenated in slot order, to compare against it.
    /// </summary>
    public StepRecord Step(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length != _config.GlobalBatch)
            throw new ArgumentException($"got {indices.Length} samples for a global batch of {_config.GlobalBatch}.", nameof(indices));
        var step = NextStep;
        var clock = Stopwatch.StartNew();
        var epoch = _sampler.EpochOf(step);
        var lr = _schedules.LearningRate(step);
        var wd = _schedules.WeightDecay(step);
        var epsilon = _schedules.Epsilon(step);

        double loss;
        bool skipped;
        using (var scope = NewDisposeScope())
        {
            var images = ImageBatchLoader.Load(_data, indices);
            using var views = _augmenter.Make(images, indices.Select(i => (long)i).ToArray(), epoch);
            var progress = (double)step / _sampler.StepsPerEpoch;
            _oneSlot?.BeforeForward(Model, step, progress, indices.Length);
            var embeddings = Embed(Model, views);
            Tensor? teacherEmbeddings = null;
            if (Teacher is not null)
                using (no_grad()) teacherEmbeddings = Embed(Teacher, views);

            _optimizer.ZeroGrad();
            Action backward;
            if (_oneSlot is null)
            {
                var objective = BamLoss.Compute(embeddings, _config.Objective, epsilon, teacherEmbeddings);
                loss = objective.Loss.ToDouble();
                backward = () => objective.Loss.backward();
            }
            else
            {
                var (slotLoss, outputs, gradient) = _oneSlot.Compute(Model, embeddings, teacherEmbeddings, indices, step, progress);
                loss = slotLoss;
                backward = () =>
                {
                    outputs.backward([gradient]);
                    _oneSlot.AfterBackward(Model, step, progress, indices.Length);
                };
            }
            skipped = !double.IsFinite(loss);
            if (skipped)
            {
                // A non-finite loss would poison the weights (and, later, every replica): drop the step.
                _log.Warning("Step {Step}: loss is {Loss}; update skipped, weights unchanged", step, loss);
            }
            else
            {
                backward();
                if (_config.Optimization.GradientClip > 0)
                    GradientClipping.ClipPerParameter(Model.parameters(), _config.Optimization.GradientClip);
                _optimizer.Step(lr, wd);
                if (Teacher is not null)
                    EmaTeacher.Update(Teacher, Model, _schedules.EmaMomentum(step));
            }
        }

        NextStep = step + 1;
        return new StepRecord(step, epoch, loss, lr, wd, epsilon, clock.Elapsed.TotalSeconds,
            indices.Length, indices.Length * (_objective.GlobalViews + _objective.LocalViews), skipped);
    }

    /// <summary>Rows in view-major order: every global view's batch, then every local view's.</summary>
    private static Tensor Embed(Encoder encoder, MultiViewBatch views)
    {
        var global = encoder.forward(views.Global);
        return views.Local is null ? global : cat([global, encoder.forward(views.Local)], 0);
    }

    public void Dispose()
    {
        _oneSlot?.Dispose();
        _optimizer.Dispose();
        Teacher?.Dispose();
        Model.Dispose();
    }
}
