using System.Diagnostics;
using BamOrleans.Checkpoints;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Distributed;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Data;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;
using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// One worker slot's replica and its training loop: each step it draws its samples from the data
/// pool, embeds its views, exchanges its objective's upload for the leader's answer with the
/// aggregator, computes its exact share of the global loss (returning gradients of shared tensors
/// when the objective has them), back-propagates, averages the parameter
/// gradients through the gradient shards, and reports to the run's barrier. Only when the barrier
/// completes — every slot of the generation reported — does it apply the optimizer step, so a
/// step is applied by all replicas or by none.
/// </summary>
/// <remarks>
/// The loop runs on its own thread and blocks on grain calls. That keeps each step's tensors in one
/// DisposeScope (scopes are per thread, and an await could resume elsewhere) and keeps seconds of
/// tensor work off Orleans' scheduler.
/// </remarks>
internal sealed class SlotTrainer : IDisposable
{
    /// <summary>How long one call into an exchange waits for the other slots before the slot
    /// re-checks that its step is still the run's open step: the most a slot waits on a step
    /// abandoned when a silo was lost (the re-check sees the new generation). Below Orleans'
    /// response timeout; a slow step only costs a cheap status read per wait.</summary>
    private static readonly TimeSpan ExchangeWait = TimeSpan.FromSeconds(2);

    /// <summary>How long the run may stay unreachable (its leader silo lost and not yet replaced)
    /// before the slot gives up and reports itself failed.</summary>
    private static readonly TimeSpan RunUnreachableLimit = TimeSpan.FromMinutes(5);

    /// <summary>Pause before re-reading the run after an attempt that applied nothing.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    /// <summary>How often an idle slot (run created or paused) looks at the run again.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private readonly IGrainFactory _grains;
    private readonly ILogger _log;
    private readonly IImageDataset _data;
    private readonly TrainingConfig _config;
    /// <summary>The run's objective: the only way this loop knows BAM, SwAV or PIRL.</summary>
    private readonly ITrainingObjective _objective;
    private readonly string _objectiveText;
    private readonly bool _keepsMemory;
    private readonly MultiViewAugmenter _augmenter;
    private readonly TrainingSchedules _schedules;
    private readonly int _stepsPerEpoch;
    private readonly Encoder _model;
    /// <summary>Where the replica, its batches and the exchanged tensors live. Messages always
    /// carry host copies (TensorWire), so only this slot's own tensors are ever on it.</summary>
    private readonly TorchSharp.torch.Device _device;
    private readonly bool _onCpu;
    private readonly Encoder? _teacher;
    private readonly IOptimizer _optimizer;
    private readonly GradientVector _gradients;
    private readonly RunDefinition _definition;
    private readonly CheckpointWriter? _checkpoints;
    private readonly IRunGrain _run;
    private readonly IDataPoolGrain _pool;
    private readonly IBatchAggregatorGrain _aggregator;
    private readonly List<SlotStepRecord> _history = [];
    private readonly object _stepLock = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile SlotState _state = SlotState.Waiting;
    private string? _error;
    private long _generation;
    private long _lastCheckpointStep = -1; // NextStep of the last checkpoint written or resumed from
    private DateTime _lastCheckpointUtc = DateTime.UtcNow;
    private double _lastLoss = double.NaN;
    // The parameters' checksum as of the last applied step: reported without taking the step lock.
    private ulong _checksum;

    /// <param name="checkpoints">Where this slot writes checkpoints when it is slot 0 of a step;
    /// null when the silo has no store or the run takes none.</param>
    /// <param name="resumeFrom">The checkpoint to start from (the run opens at its step); null for a new run.</param>
    /// <param name="device">"cpu" or "cuda:i" (<see cref="SlotDevices"/>): where this replica trains.</param>
    public SlotTrainer(string slotId, string runId, SiloAddress silo, RunDefinition definition, IImageDataset data,
        IGrainFactory grains, ILogger log, CheckpointWriter? checkpoints = null, LoadedCheckpoint? resumeFrom = null,
        string device = SlotDevices.Cpu)
    {
        Device = device;
        _device = TorchSharp.torch.device(device);
        // On the CPU nothing is moved or copied: the tensors and their disposal are exactly what
        // they were before devices could be chosen, so CPU runs stay bit-identical.
        _onCpu = _device.type == DeviceType.CPU;
        SlotId = slotId;
        RunId = runId;
        Silo = silo;
        _grains = grains;
        _data = data;
        _config = definition.Config;
        _log = log.ForContext<SlotTrainer>().ForContext("SlotId", slotId).ForContext("RunId", runId);
        if (data.Count < _config.GlobalBatch)
            throw new InvalidConfigurationException([$"globalBatch = {_config.GlobalBatch} exceeds the {data.Count} images of '{data.Name}' on this silo: lower it, or check that every silo has the whole dataset."]);
        if (data.Shape.Channels != _config.Encoder.InChannels)
            throw new InvalidConfigurationException([$"encoder.inChannels = {_config.Encoder.InChannels} but '{data.Name}' on this silo has {data.Shape.Channels} channel(s): set them equal."]);

        _stepsPerEpoch = data.Count / _config.GlobalBatch;
        _objective = _config.TrainingObjective();
        _objectiveText = _objective.Describe();
        _keepsMemory = _objective.MemoryWidth(_config.Model.ProjectorOutDim) > 0;
        _augmenter = new MultiViewAugmenter(_config.Augmentation, _objective.GlobalViews, _objective.LocalViews,
            _config.Seed, new PixelNormalizer(definition.NormalizerMean, definition.NormalizerStd));
        _schedules = new TrainingSchedules(_config, _stepsPerEpoch);
        // Same seed on every slot: the replicas start identical, as DDP's broadcast of rank 0 makes them.
        _model = Encoder.Create(_config.Model, _config.Seed);
        // Moved before the teacher, the optimizer and the gradient vector take its parameters:
        // moving a module replaces its parameter tensors, and they must hold the ones that train.
        // Built on the CPU first so every device starts from the same seeded initial weights.
        if (!_onCpu) _model.to(_device);
        _teacher = _objective.UsesTeacher ? EmaTeacher.CreateTeacher(_model) : null;
        if (!_onCpu) _teacher?.to(_device);
        _optimizer = OptimizerFactory.Create(_config.Optimization.Optimizer, _model);
        _gradients = new GradientVector(_model);
        _definition = definition;
        _checkpoints = definition.Checkpoints ? checkpoints : null;
        if (resumeFrom is not null)
        {
            resumeFrom.RestoreInto(_model, _teacher, _optimizer);
            CompletedSteps = resumeFrom.NextStep;
            _lastCheckpointStep = resumeFrom.NextStep;
            _log.Information("Slot {SlotId} resumes at step {Step} from {Manifest}", slotId, resumeFrom.NextStep, resumeFrom.Manifest);
        }
        _checksum = ParameterChecksum.Of(_model);
        _run = grains.GetGrain<IRunGrain>(runId);
        _pool = grains.GetGrain<IDataPoolGrain>(runId);
        _aggregator = grains.GetGrain<IBatchAggregatorGrain>(runId);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"slot {slotId}" };
    }

    public string SlotId { get; }

    public string RunId { get; }

    public SiloAddress Silo { get; }

    /// <summary>The device this replica trains on ("cpu", "cuda:0", …).</summary>
    public string Device { get; }

    public long CompletedSteps { get; private set; }

    /// <summary>The loop runs and follows the run (it has not failed, finished or been stopped).</summary>
    public bool IsLive => _thread.IsAlive && !_stopping && _state is SlotState.Waiting or SlotState.Training;

    /// <summary>Starts the loop on its own thread, without the caller's execution context: the
    /// caller may be a grain call (a launch, with call-chain reentrancy on), and the loop's calls
    /// must not pass for part of that call chain.</summary>
    public void Start()
    {
        using (ExecutionContext.SuppressFlow()) _thread.Start();
    }

    /// <summary>Asks the loop to stop after its current step and waits for it (bounded by the exchange waits).</summary>
    public void Stop()
    {
        _stopping = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join(ExchangeWait * 3);
    }

    /// <summary>Asks the loop to stop without waiting (the caller may be holding up the very call
    /// the loop waits on); <see cref="Dispose"/> waits for it.</summary>
    public void RequestStop() => _stopping = true;

    public SlotReport Report() =>
        new(SlotId, RunId, Silo, _state, CompletedSteps, _generation, _lastLoss, _checksum, _error,
            _checkpoints?.Completed.Select(c => c.Step).DefaultIfEmpty(-1).Max() is >= 0 and var committed ? committed : null,
            Device);

    public IReadOnlyList<SlotStepRecord> History(long fromStep)
    {
        lock (_history) return _history.Where(r => r.Step >= fromStep).ToList();
    }

    /// <summary>The model between steps (waits for a step in progress to end).</summary>
    public ModelSnapshot Export()
    {
        lock (_stepLock)
        {
            var tensors = _model.state_dict().ToDictionary(kv => kv.Key, kv => TensorWire.ToBlock(kv.Value));
            return new ModelSnapshot(CompletedSteps, tensors);
        }
    }

    private void Loop()
    {
        var unreachableSince = (DateTime?)null;
        try
        {
            while (!_stopping)
            {
                RunStatusSnapshot status;
                try
                {
                    status = Wait(_run.GetStatus());
                    unreachableSince = null;
                    if (_stopping) break;
                }
                catch (Exception e) when (ClusterFaults.IsTransient(e))
                {
                    // The run's silo (the leader) was lost: its next activation comes up on another
                    // silo once membership has declared the old one dead.
                    unreachableSince ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - unreachableSince > RunUnreachableLimit)
                        throw new InvalidOperationException($"run {RunId} has not answered for {RunUnreachableLimit.TotalMinutes:F0} minutes: {e.Message}", e);
                    _log.Debug("Run {RunId} unreachable ({Reason}); asking again", RunId, e.Message);
                    Thread.Sleep(IdlePoll * 5);
                    continue;
                }
                if (status.Status.IsFinal() || status.Current.Step >= _config.Steps)
                {
                    _state = SlotState.Finished;
                    break;
                }
                if (status.Status != RunStatus.Running)
                {
                    if (status.Status == RunStatus.Paused) CheckpointAtPause(status);
                    _state = SlotState.Waiting;
                    Thread.Sleep(IdlePoll);
                    continue;
                }
                if (!status.Slots.ContainsKey(SlotId))
                {
                    // Dropped by the run (its silo was declared dead, or it stood aside so the
                    // slots split the batch): its messages are stale from now on. It stops; a
                    // later admission starts a new replica from a checkpoint.
                    _log.Warning("Slot {SlotId} is no longer in run {RunId} (generation {Generation}); it stops",
                        SlotId, RunId, status.Current.Generation);
                    break;
                }
                if (status.Current.Step != CompletedSteps)
                {
                    // Out of step with the run (it missed a step's outcome): its weights cannot be
                    // trusted. It leaves; the run goes on and admits the silo again from a checkpoint.
                    _log.Warning("Slot {SlotId}: the run is at step {Step} but this replica has applied {Applied}; it leaves the run to rejoin from a checkpoint",
                        SlotId, status.Current.Step, CompletedSteps);
                    Wait(_run.UnregisterSlot(SlotId));
                    break;
                }
                _state = SlotState.Training;
                bool applied;
                try
                {
                    lock (_stepLock) applied = TryStep(status);
                }
                catch (Exception e) when (ClusterFaults.IsTransient(e))
                {
                    // A silo of the step (the aggregator's, a gradient shard's, the pool's) was
                    // lost mid-step: nothing was applied; the run's next generation redoes the step.
                    _log.Warning("Slot {SlotId}: step {Step} abandoned: {Reason}", SlotId, status.Current.Step, e.Message);
                    applied = false;
                }
                // A refused or superseded attempt means the run moved on (or has not yet): look
                // again shortly rather than hammer the grains.
                if (!applied) Thread.Sleep(RetryPause);
            }
            if (_state != SlotState.Finished) _state = SlotState.Idle;
        }
        catch (Exception e)
        {
            _error = e.Message;
            _state = SlotState.Failed;
            _log.Error(e, "Slot {SlotId} stopped: {Reason}", SlotId, e.Message);
        }
    }

    /// <summary>One attempt at the run's open step: true when the step was applied; false, having
    /// applied nothing, when the step was superseded or refused (the loop then re-reads the run).</summary>
    private bool TryStep(RunStatusSnapshot status)
    {
        var stamp = status.Current;
        var slotIds = status.Slots.Keys.Order(StringComparer.Ordinal).ToList();
        var w = slotIds.IndexOf(SlotId);
        var slots = slotIds.Count;
        if (_config.GlobalBatch % slots != 0)
            throw new InvalidConfigurationException([
                $"globalBatch = {_config.GlobalBatch} cannot be split evenly over {slots} slots: use a multiple of the slot count."]);
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        double Lap() { var s = phase.Elapsed.TotalSeconds; phase.Restart(); return s; }

        var draw = Wait(_pool.Draw(stamp, slotIds, w));
        if (draw.Refused is { } drawRefusal)
        {
            _log.Debug("Step {Stamp}: data pool refused the draw ({Reason})", stamp.ToString(), drawRefusal);
            return false;
        }
        var drawSeconds = Lap();

        using var scope = NewDisposeScope();
        _optimizer.ZeroGrad();
        var images = ImageBatchLoader.Load(_data, draw.Indices);
        using var views = OnDevice(_augmenter.Make(images, draw.Indices.Select(i => (long)i).ToArray(), draw.Epoch));
        var step = new ObjectiveStep(stamp.Step, (double)stamp.Step / _stepsPerEpoch, w, slots, _config.GlobalBatch / slots, draw.Indices);
        _objective.BeforeForward(_model, step);
        var rows = SlotEmbeddings.Normalize(Embed(_model, views));
        Tensor? teacherRows = null;
        if (_teacher is not null)
            using (no_grad()) teacherRows = SlotEmbeddings.Normalize(Embed(_teacher, views));
        var forward = new SlotForward(rows, _objective.Outputs(_model, rows), teacherRows, _model);
        var forwardSeconds = Lap();

        var upload = new ObjectiveUpload(w, slots,
            new StepObjective(_objective.Method, _objectiveText, step.EpochProgress, _data.Count, _config.Seed),
            draw.Indices, _objective.Upload(step, forward).Select(TensorWire.ToBlock).ToArray());
        var answer = Exchange(stamp, () => _aggregator.ExchangeUploads(stamp, upload, ExchangeWait));
        if (answer is null) return false;
        var gatherSeconds = Lap();

        var received = answer.Tensors.Select((block, i) => OnDevice(TensorWire.ToTensor(block, $"the leader's answer (tensor {i})"))).ToList();
        using var share = _objective.Share(step, forward, received);
        var shareSeconds = Lap();

        Tensor? reduced = null;
        long sharedBytesUp = 0, sharedBytesDown = 0;
        if (share.SharedGradient is { } sharedGradient)
        {
            var sharedUpload = new SharedGradientUpload(w, slots, TensorWire.ToBlock(sharedGradient));
            var reducedBlock = Exchange(stamp, () => _aggregator.ExchangeSharedGradients(stamp, sharedUpload, ExchangeWait));
            if (reducedBlock is null) return false;
            reduced = OnDevice(TensorWire.ToTensor(reducedBlock, "the reduced shared gradients"));
            (sharedBytesUp, sharedBytesDown) = (sharedUpload.Gradient.Bytes, reducedBlock.Bytes);
        }
        var columnSeconds = Lap();
        forward.Outputs.backward([_objective.OutputGradient(step, share, reduced)]);
        _objective.AfterBackward(_model, step);
        var backwardSeconds = Lap();

        var gradientBytes = AverageGradients(stamp, w, slots);
        if (gradientBytes < 0) return false;
        var averageSeconds = Lap();

        var report = new SlotStepReport(share.Loss, _checksum, draw.Indices);
        var submitted = Wait(_run.SubmitStepResult(stamp, SlotId, report.ToPayload()));
        if (submitted.Refusal is { } submitRefusal)
        {
            _log.Debug("Step {Stamp}: the run refused the report ({Reason})", stamp.ToString(), submitRefusal);
            return false;
        }
        var outcome = Wait(_run.WaitForStep(stamp, ExchangeWait));
        while (outcome.Status == StepWaitStatus.TimedOut && !_stopping)
        {
            // Once the step is no longer the open one, one more wait answers at once: Completed if
            // it completed meanwhile (then it must be applied), refused or superseded if not.
            var open = StillOpen(stamp);
            outcome = Wait(_run.WaitForStep(stamp, ExchangeWait));
            if (!open) break;
        }
        if (outcome.Status != StepWaitStatus.Completed || outcome.Result is null) return false;
        var barrierSeconds = Lap();

        var (loss, stepSamples) = CheckReplicas(outcome.Result, report);
        var skipped = !double.IsFinite(loss);
        var lr = _schedules.LearningRate(stamp.Step);
        if (skipped)
        {
            // Every replica sees the same mean and skips together: a non-finite loss would poison them all.
            _log.Warning("Step {Step}: loss is {Loss}; update skipped on every replica", stamp.Step, loss);
        }
        else
        {
            if (_config.Optimization.GradientClip > 0)
                GradientClipping.ClipPerParameter(_model.parameters(), _config.Optimization.GradientClip);
            _optimizer.Step(lr, _schedules.WeightDecay(stamp.Step));
            if (_teacher is not null)
                EmaTeacher.Update(_teacher, _model, _schedules.EmaMomentum(stamp.Step));
        }
        _checksum = ParameterChecksum.Of(_model);
        var applySeconds = Lap();
        var checkpointSeconds = w == 0 ? Checkpoint(stamp.Step) : 0;

        CompletedSteps = stamp.Step + 1;
        _generation = stamp.Generation;
        _lastLoss = loss;
        var phases = new StepPhases(drawSeconds, forwardSeconds, gatherSeconds, answer.LeaderSeconds, shareSeconds,
            columnSeconds, backwardSeconds, averageSeconds, barrierSeconds, applySeconds, checkpointSeconds, total.Elapsed.TotalSeconds);
        var traffic = new StepTraffic(upload.Tensors.Sum(t => t.Bytes), answer.Bytes,
            sharedBytesUp, sharedBytesDown, gradientBytes, gradientBytes, rows.numel() * sizeof(float));
        lock (_history)
            _history.Add(new SlotStepRecord(stamp.Step, stamp.Generation, draw.Epoch, w, slots, loss, share.Loss, skipped,
                draw.Indices, phases, lr, traffic, stepSamples));
        return true;
    }

    /// <summary>
    /// A paused run (its time budget ran out, or a user paused it) is usually continued later:
    /// slot 0 checkpoints the pause boundary once, so the continuation loses no step.
    /// </summary>
    private void CheckpointAtPause(RunStatusSnapshot status)
    {
        if (_checkpoints is null || CompletedSteps == 0 || CompletedSteps != status.Current.Step || _lastCheckpointStep == CompletedSteps) return;
        if (status.Slots.Keys.Order(StringComparer.Ordinal).FirstOrDefault() != SlotId) return;
        lock (_stepLock) Checkpoint(CompletedSteps - 1, evenIfNotDue: true);
        _log.Information("Slot {SlotId}: run {RunId} paused before step {Step}; checkpointed there", SlotId, RunId, CompletedSteps);
    }

    /// <summary>
    /// An emergency checkpoint of this replica at its last applied step (its silo is leaving and
    /// holds the run's last slots). Call after <see cref="Stop"/>. Returns whether one was handed
    /// to the writer (false: no store, nothing trained, or that step is already checkpointed).
    /// </summary>
    public bool CheckpointNow()
    {
        if (_checkpoints is null || CompletedSteps == 0 || _lastCheckpointStep == CompletedSteps) return false;
        lock (_stepLock) Checkpoint(CompletedSteps - 1, evenIfNotDue: true);
        _log.Information("Slot {SlotId}: emergency checkpoint of run {RunId} before step {Step}", SlotId, RunId, CompletedSteps);
        return true;
    }

    /// <summary>
    /// At the boundary after <paramref name="step"/>, when the run's policy says so: copies the
    /// replica (all replicas are equal) and the data pool's positions to host memory and hands
    /// them to the background writer. Training waits only for the copy; returns its seconds.
    /// </summary>
    private double Checkpoint(long step, bool evenIfNotDue = false)
    {
        var nextStep = step + 1;
        if (_checkpoints is null || nextStep == _lastCheckpointStep) return 0;
        if (!evenIfNotDue && !_definition.CheckpointPolicy.Due(nextStep, _lastCheckpointUtc, DateTime.UtcNow)) return 0;
        _lastCheckpointStep = nextStep;
        _lastCheckpointUtc = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var positions = Wait(_pool.PositionsAfter(step));
        // The per-image memory as of the same boundary, when the objective keeps one (PIRL's bank).
        var memory = _keepsMemory ? RunCheckpoints.EncodeMemory(Wait(_pool.MemoryAfter(step))) : null;
        var snapshot = CheckpointSnapshot.Take(nextStep, (int)(nextStep / _stepsPerEpoch), _model, _teacher, _optimizer,
            RunDefinitionJson.ToSettings(_definition).Document, RunCheckpoints.EncodePositions(positions), memory);
        _checkpoints.Submit(snapshot);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Averages this slot's flattened gradient (and buffers) with every other slot's,
    /// shard by shard in parallel, and writes the mean back. Returns the bytes sent (as many come
    /// back), or −1 when the step was superseded.</summary>
    private long AverageGradients(StepStamp stamp, int w, int slots)
    {
        var vector = _gradients.Read();
        var plan = GradientSharding.Plan(vector.LongLength, slots);
        var calls = plan.Select((slice, shard) =>
        {
            var values = vector.AsSpan((int)slice.Offset, slice.Length).ToArray();
            var grain = _grains.GetGrain<IGradientShardGrain>(GrainKeys.GradientShard(RunId, shard));
            return ExchangeAsync(stamp, () => grain.Average(stamp, w, slots, values, ExchangeWait));
        }).ToArray();
        var means = Wait(Task.WhenAll(calls));
        if (means.Any(m => m is null)) return -1;
        var averaged = new float[vector.Length];
        for (var shard = 0; shard < plan.Count; shard++)
            means[shard]!.CopyTo(averaged, plan[shard].Offset);
        _gradients.Write(averaged);
        return vector.LongLength * sizeof(float);
    }

    /// <summary>The step's loss (mean of the shares, in slot-id order) and its samples (every
    /// slot's, in slot order); throws if any replica's parameters differ from this one's.</summary>
    private (double Loss, int[] Samples) CheckReplicas(StepResult result, SlotStepReport mine)
    {
        double sum = 0;
        var samples = new List<int>();
        foreach (var contribution in result.Contributions)
        {
            var theirs = SlotStepReport.FromPayload(contribution.Payload, contribution.SlotId);
            if (theirs.ParameterChecksum != mine.ParameterChecksum)
                throw new InvalidOperationException(
                    $"replica {contribution.SlotId} has parameter checksum {theirs.ParameterChecksum:x16} at step {result.Stamp.Step} but this one has {mine.ParameterChecksum:x16}: the replicas diverged; restart the run from its last checkpoint.");
            sum += theirs.LossShare;
            samples.AddRange(theirs.Samples);
        }
        return (sum / result.Contributions.Count, samples.ToArray());
    }

    /// <summary>Whether the run still waits for <paramref name="stamp"/>'s step: running, at that
    /// generation and step. Checked after each bounded wait, so no wait outlives its step.</summary>
    private bool StillOpen(StepStamp stamp)
    {
        var now = Wait(_run.GetStatus());
        return now.Current == stamp && now.Status == RunStatus.Running;
    }

    /// <summary>Calls an exchange until it completes; null when the step was superseded or refused.
    /// A time-out only means another slot is slower: wait again while the run's open step is still
    /// this one (a slot lost mid-step moves the run to a new generation, which ends the wait).</summary>
    private T? Exchange<T>(StepStamp stamp, Func<Task<ExchangeResult<T>>> call) where T : class =>
        Wait(ExchangeAsync(stamp, call));

    private async Task<T?> ExchangeAsync<T>(StepStamp stamp, Func<Task<ExchangeResult<T>>> call) where T : class
    {
        while (true)
        {
            var answer = await call();
            switch (answer.Status)
            {
                case ExchangeStatus.Completed:
                    return answer.Value;
                case ExchangeStatus.TimedOut:
                    if (_stopping) return null;
                    var now = await _run.GetStatus();
                    if (now.Current != stamp || now.Status != RunStatus.Running) return null;
                    continue;
                default:
                    _log.Debug("Step {Stamp}: exchange answered {Status} {Reason}", stamp.ToString(), answer.Status, answer.Refused);
                    return null;
            }
        }
    }

    /// <summary>Rows in view-major order: every global view's batch, then every local view's
    /// (the order the single-process trainer uses).</summary>
    private static Tensor Embed(Encoder encoder, MultiViewBatch views)
    {
        var global = encoder.forward(views.Global);
        return views.Local is null ? global : cat([global, encoder.forward(views.Local)], 0);
    }

    /// <summary>A tensor that arrived in host memory (a message), on this slot's device. On the CPU
    /// it is the tensor itself; otherwise the host copy is disposed here, the device copy is the caller's.</summary>
    private Tensor OnDevice(Tensor host)
    {
        if (_onCpu) return host;
        using (host) return host.to(_device);
    }

    /// <summary>The augmented views (built on the CPU, where the images are) on this slot's device.</summary>
    private MultiViewBatch OnDevice(MultiViewBatch views)
    {
        if (_onCpu) return views;
        using (views)
        {
            var global = views.Global.to(_device);
            var local = views.Local?.to(_device);
            return new MultiViewBatch(global, local, views.BatchSize, views.GlobalViews, views.LocalViews);
        }
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public void Dispose()
    {
        Stop();
        // The tensors go only once the loop has ended; each of its waits is bounded (the exchange
        // waits, Orleans' response timeout), so this ends.
        if (_thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join();
        _optimizer.Dispose();
        _teacher?.Dispose();
        _model.Dispose();
    }
}
