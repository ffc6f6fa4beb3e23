using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>
/// An optimizer over <see cref="ParameterGroups"/> whose whole state is a flat list of named
/// tensors, so checkpoints can save and restore it exactly, and whose step reads whatever is in
/// each parameter's .grad (e.g. gradients already averaged across slots).
/// </summary>
public interface IOptimizer : IDisposable
{
    ParameterGroups Groups { get; }

    /// <summary>Number of <see cref="Step"/> calls so far (restored by <see cref="LoadState"/>).</summary>
    long StepCount { get; }

    /// <summary>
    /// One update from the current gradients. <paramref name="weightDecay"/> applies to the decay
    /// group only. Parameters whose .grad is undefined are skipped, as torch.optim does.
    /// </summary>
    void Step(double learningRate, double weightDecay);

    /// <summary>Zeroes every defined .grad in place (the buffers stay allocated for the next backward).</summary>
    void ZeroGrad();

    /// <summary>
    /// The optimizer's live state tensors with stable names ("step", "&lt;param&gt;.exp_avg", …).
    /// They are owned by the optimizer: read or copy them, don't dispose or modify them.
    /// </summary>
    IReadOnlyList<(string Name, Tensor Tensor)> StateTensors();

    /// <summary>
    /// Copies <paramref name="state"/> into the existing state tensors. Every entry of
    /// <see cref="StateTensors"/> must be present with the same shape and no others; otherwise
    /// nothing is copied and the exception names each offending entry.
    /// </summary>
    void LoadState(IEnumerable<(string Name, Tensor Tensor)> state);
}
