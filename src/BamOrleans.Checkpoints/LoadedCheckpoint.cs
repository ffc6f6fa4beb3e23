using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints;

/// <summary>
/// A verified checkpoint in managed memory, ready to restore into a freshly built model, teacher
/// and optimizer (built from <see cref="RunDefinition"/>).
/// </summary>
public sealed class LoadedCheckpoint
{
    internal LoadedCheckpoint(string manifestName, CheckpointManifest manifest, CheckpointState state, IReadOnlyList<HostTensor> model,
        IReadOnlyList<HostTensor>? teacher, IReadOnlyList<HostTensor> optimizer, CheckpointMemoryBank? memory, IReadOnlyList<string> blobs)
    {
        Manifest = manifestName;
        FormatVersion = manifest.FormatVersion;
        CreatedUtc = manifest.CreatedUtc;
        NextStep = state.NextStep;
        Epoch = state.Epoch;
        RunDefinition = state.RunDefinition;
        DataState = state.DataState;
        OptimizerType = state.OptimizerType;
        OptimizerStepCount = state.OptimizerStepCount;
        Model = model;
        Teacher = teacher;
        Optimizer = optimizer;
        Memory = memory;
        Blobs = blobs;
    }

    /// <summary>The step the resumed run executes first.</summary>
    public long NextStep { get; }

    public int Epoch { get; }

    /// <summary>The run definition exactly as given to <see cref="CheckpointSnapshot.Take"/>.</summary>
    public string RunDefinition { get; }

    /// <summary>The data pool's state exactly as given to <see cref="CheckpointSnapshot.Take"/>.</summary>
    public string DataState { get; }

    public int FormatVersion { get; }

    public DateTime CreatedUtc { get; }

    /// <summary>The manifest's full blob name.</summary>
    public string Manifest { get; }

    /// <summary>Full names of the blobs the manifest lists (manifest excluded).</summary>
    public IReadOnlyList<string> Blobs { get; }

    public string OptimizerType { get; }

    public long OptimizerStepCount { get; }

    public IReadOnlyList<HostTensor> Model { get; }

    public IReadOnlyList<HostTensor>? Teacher { get; }

    public IReadOnlyList<HostTensor> Optimizer { get; }

    /// <summary>The run's memory bank after step <see cref="NextStep"/> − 1, or null for a checkpoint
    /// without one (a run that keeps none, or one written before memory banks existed).</summary>
    public CheckpointMemoryBank? Memory { get; }

    /// <summary>
    /// Copies the checkpoint into <paramref name="model"/>, <paramref name="teacher"/> and
    /// <paramref name="optimizer"/>. Everything is checked first (tensor names, shapes, dtypes,
    /// teacher presence, optimizer kind): on any mismatch nothing is copied and
    /// <see cref="CheckpointMismatchException"/> names every offending tensor.
    /// </summary>
    public void RestoreInto(Encoder model, Encoder? teacher, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var problems = new List<string>();
        if (Teacher is not null && teacher is null)
            problems.Add("the checkpoint holds an EMA teacher but none was given: build the teacher the run definition asks for");
        if (Teacher is null && teacher is not null)
            problems.Add("a teacher was given but the checkpoint holds none: the run that wrote it trained without an EMA teacher");
        if (optimizer.GetType().Name != OptimizerType)
            problems.Add($"the checkpoint holds {OptimizerType} state but the optimizer is {optimizer.GetType().Name}: build the optimizer the run definition names");

        using var scope = NewDisposeScope();
        var modelState = model.state_dict().Select(kv => (kv.Key, kv.Value)).ToArray();
        var teacherState = teacher?.state_dict().Select(kv => (kv.Key, kv.Value)).ToArray();
        var optimizerState = optimizer.StateTensors();
        Compare("model", Model, modelState, problems);
        if (Teacher is not null && teacherState is not null)
            Compare("teacher", Teacher, teacherState, problems);
        if (problems.Count == 0)
            Compare("optimizer", Optimizer, optimizerState, problems);
        if (problems.Count > 0)
            throw new CheckpointMismatchException(NextStep, Manifest, problems);

        using (no_grad())
        {
            CopyInto(Model, modelState);
            if (Teacher is not null && teacherState is not null)
                CopyInto(Teacher, teacherState);
        }
        var byName = Optimizer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        optimizer.LoadState(optimizerState.Select(s => (s.Name, HostCopy.ToTensor(byName[s.Name]))).ToArray());
    }

    private static void Compare(string part, IReadOnlyList<HostTensor> saved, IReadOnlyList<(string Name, Tensor Tensor)> live, List<string> problems)
    {
        var savedByName = saved.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var liveNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in live)
        {
            liveNames.Add(name);
            if (!savedByName.TryGetValue(name, out var host))
            {
                problems.Add($"{part} tensor '{name}' is not in the checkpoint");
                continue;
            }
            if (!host.Shape.SequenceEqual(tensor.shape))
                problems.Add($"{part} tensor '{name}' is {host.ShapeText} in the checkpoint but {HostTensor.FormatShape(tensor.shape)} here");
            else if (host.DType.ToScalarType() != tensor.dtype)
                problems.Add($"{part} tensor '{name}' is {host.DType} in the checkpoint but {tensor.dtype} here");
        }
        problems.AddRange(saved.Where(t => !liveNames.Contains(t.Name))
            .Select(t => $"{part} tensor '{t.Name}' is in the checkpoint but not here"));
    }

    private static void CopyInto(IReadOnlyList<HostTensor> saved, IReadOnlyList<(string Name, Tensor Tensor)> live)
    {
        var byName = saved.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, tensor) in live)
            tensor.copy_(HostCopy.ToTensor(byName[name]));
    }
}
