using BamOrleans.Core.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>
/// What every <see cref="IOptimizer"/> shares: the parameter list with its decay flag, the step
/// counter, zeroing gradients, and the named state list with its validated restore.
/// Subclasses register their state tensors once, at construction, with <see cref="AddState"/>.
/// </summary>
public abstract class OptimizerBase : IOptimizer
{
    public const string StepCountName = "step";

    private readonly List<(string Name, Tensor Tensor)> _state = [];
    private readonly Tensor _stepCountTensor;
    private bool _disposed;

    protected OptimizerBase(ParameterGroups groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = groups;
        Entries = groups.Decay.Select(p => new Entry(p.Name, p.Parameter, Decays: true))
            .Concat(groups.NoDecay.Select(p => new Entry(p.Name, p.Parameter, Decays: false)))
            .ToArray();
        _stepCountTensor = ScalarState();
        AddState(StepCountName, _stepCountTensor);
    }

    public ParameterGroups Groups { get; }

    public long StepCount { get; protected set; }

    /// <summary>Parameters in group order (decay group first), with whether weight decay applies.</summary>
    protected IReadOnlyList<Entry> Entries { get; }

    public abstract void Step(double learningRate, double weightDecay);

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var entry in Entries)
            entry.Parameter.grad?.zero_();
    }

    public IReadOnlyList<(string Name, Tensor Tensor)> StateTensors()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Counters live in C# longs during training (no tensor op per step); sync them on export.
        _stepCountTensor.fill_(StepCount);
        SyncCountersToState();
        return _state.ToArray();
    }

    public void LoadState(IEnumerable<(string Name, Tensor Tensor)> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var given = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, tensor) in state)
        {
            if (!given.TryAdd(name, tensor))
                problems.Add($"state entry '{name}' is given more than once");
        }
        foreach (var (name, own) in _state)
        {
            if (!given.TryGetValue(name, out var source))
                problems.Add($"state entry '{name}' is missing");
            else if (!source.shape.SequenceEqual(own.shape))
                problems.Add($"state entry '{name}' has shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", own.shape)}]");
        }
        var known = _state.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(given.Keys.Where(n => !known.Contains(n)).Select(n => $"state entry '{n}' is not part of this {GetType().Name}'s state"));
        if (problems.Count > 0)
            throw new ArgumentException($"Cannot load {GetType().Name} state: " + string.Join("; ", problems) + ".", nameof(state));

        using (no_grad())
        {
            foreach (var (name, own) in _state)
                own.copy_(given[name]);
        }
        StepCount = _stepCountTensor.item<long>();
        SyncCountersFromState();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var (_, tensor) in _state)
            tensor.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Registers a state tensor the optimizer owns; names must be unique.</summary>
    protected void AddState(string name, Tensor tensor)
    {
        if (_state.Any(s => s.Name == name))
            throw new InvalidOperationException($"State entry '{name}' is registered twice.");
        _state.Add((name, tensor));
    }

    /// <summary>Zero state shaped like <paramref name="parameter"/> (same dtype and device), not tracked by autograd.</summary>
    protected static Tensor ZerosLike(Parameter parameter)
    {
        // Detached from any caller's dispose scope: state lives as long as the optimizer.
        return zeros_like(parameter, requires_grad: false).DetachFromDisposeScope();
    }

    /// <summary>A 0-d int64 CPU tensor for a counter, owned by the optimizer.</summary>
    protected static Tensor ScalarState() => zeros(Array.Empty<long>(), ScalarType.Int64).DetachFromDisposeScope();

    /// <summary>Copy per-parameter counters kept as longs into their state tensors.</summary>
    protected virtual void SyncCountersToState() { }

    /// <summary>Read per-parameter counters back from their (just loaded) state tensors.</summary>
    protected virtual void SyncCountersFromState() { }

    protected static void ValidateHyperparameters(double learningRate, double weightDecay)
    {
        if (!double.IsFinite(learningRate) || learningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Learning rate must be finite and ≥ 0.");
        if (!double.IsFinite(weightDecay) || weightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be finite and ≥ 0.");
    }

    protected readonly record struct Entry(string Name, Parameter Parameter, bool Decays);
}
