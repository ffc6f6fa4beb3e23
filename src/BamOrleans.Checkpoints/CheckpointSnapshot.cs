using System.Diagnostics;
using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints;

/// <summary>
/// A training run's complete state at a step boundary (after step <see cref="NextStep"/> − 1 was
/// applied, before step <see cref="NextStep"/>), copied to managed memory. Taking it is the only
/// part of a checkpoint that training waits for; hashing, serialization and upload happen later,
/// in the background, from these arrays, while training changes the live tensors.
/// </summary>
/// <remarks>
/// There is no RNG stream state: augmentations and sample order are pure functions of (seed,
/// epoch, sample, view), and the seed is in the run definition, so step, epoch and the data
/// pool's state are all a resumed run needs to draw the same samples and views.
/// </remarks>
public sealed class CheckpointSnapshot
{
    private CheckpointSnapshot(long nextStep, int epoch, IReadOnlyList<HostTensor> model, IReadOnlyList<HostTensor>? teacher,
        IReadOnlyList<HostTensor> optimizer, string optimizerType, long optimizerStepCount, string runDefinition, string dataState,
        HostTensor? memory, DateTime takenUtc, double seconds)
    {
        NextStep = nextStep;
        Epoch = epoch;
        Model = model;
        Teacher = teacher;
        Optimizer = optimizer;
        OptimizerType = optimizerType;
        OptimizerStepCount = optimizerStepCount;
        RunDefinition = runDefinition;
        DataState = dataState;
        Memory = memory;
        TakenUtc = takenUtc;
        SnapshotSeconds = seconds;
        TensorBytes = model.Concat(teacher ?? []).Concat(optimizer).Concat(memory is null ? [] : [memory]).Sum(t => (long)t.Data.Length);
    }

    /// <summary>The step the resumed run executes first.</summary>
    public long NextStep { get; }

    /// <summary>The epoch of <see cref="NextStep"/>.</summary>
    public int Epoch { get; }

    /// <summary>The student's state dict (parameters and buffers), in module order.</summary>
    public IReadOnlyList<HostTensor> Model { get; }

    /// <summary>The EMA teacher's state dict, when the run has one.</summary>
    public IReadOnlyList<HostTensor>? Teacher { get; }

    /// <summary>The optimizer's state tensors (<see cref="IOptimizer.StateTensors"/>).</summary>
    public IReadOnlyList<HostTensor> Optimizer { get; }

    /// <summary>The optimizer's class name ("AdamW", "Lars"): a restore into another kind is refused.</summary>
    public string OptimizerType { get; }

    /// <summary><see cref="IOptimizer.StepCount"/> when taken (also in the "step" state tensor; kept for cross-checking).</summary>
    public long OptimizerStepCount { get; }

    /// <summary>The caller's run definition (opaque JSON), including the seed.</summary>
    public string RunDefinition { get; }

    /// <summary>The data pool's committed state (opaque JSON: shard positions, leases, epoch).</summary>
    public string DataState { get; }

    /// <summary>The memory bank as one [rows, width] float32 tensor (<see cref="CheckpointMemoryBank"/>), when the run keeps one.</summary>
    public HostTensor? Memory { get; }

    public DateTime TakenUtc { get; }

    /// <summary>How long the copy took: the training stall this checkpoint cost.</summary>
    public double SnapshotSeconds { get; }

    /// <summary>Bytes of tensor data held (model, teacher, optimizer and memory bank).</summary>
    public long TensorBytes { get; }

    /// <summary>
    /// Copies the run's state to managed memory. Call it on the training thread between steps
    /// (nothing may change the tensors during the copy); it returns once the copy is complete and
    /// the live tensors can change again. <paramref name="memory"/> is the run's memory bank after
    /// step <paramref name="nextStep"/> − 1, when it keeps one; it is copied too, so the caller may
    /// reuse its array.
    /// </summary>
    public static CheckpointSnapshot Take(long nextStep, int epoch, Encoder model, Encoder? teacher, IOptimizer optimizer,
        string runDefinition, string dataState, CheckpointMemoryBank? memory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextStep);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(runDefinition);
        ArgumentNullException.ThrowIfNull(dataState);
        var clock = Stopwatch.StartNew();
        var takenUtc = DateTime.UtcNow;
        var memoryTensor = memory?.ToHost(nextStep);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var modelState = StateDict(model);
        var teacherState = teacher is null ? null : StateDict(teacher);
        var optimizerState = optimizer.StateTensors().Select(s => HostCopy.ToHost(s.Name, s.Tensor)).ToArray();
        return new CheckpointSnapshot(nextStep, epoch, modelState, teacherState, optimizerState, optimizer.GetType().Name,
            optimizer.StepCount, runDefinition, dataState, memoryTensor, takenUtc, clock.Elapsed.TotalSeconds);
    }

    private static HostTensor[] StateDict(Encoder encoder) =>
        encoder.state_dict().Select(kv => HostCopy.ToHost(kv.Key, kv.Value)).ToArray();
}
