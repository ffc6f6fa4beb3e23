using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>
/// What one evaluation of the BAM objective produced. Owns its tensors: dispose it once the
/// backward pass and any logging are done, so native memory is released deterministically.
/// </summary>
public sealed class BamLossResult : IDisposable
{
    internal BamLossResult(Tensor loss, Tensor targets)
    {
        Loss = loss;
        Targets = targets;
    }

    /// <summary>Scalar loss, differentiable with respect to the student embeddings.</summary>
    public Tensor Loss { get; }

    /// <summary>The G·B × K targets that were matched (after top-k), detached; kept for
    /// diagnostics such as target entropy.</summary>
    public Tensor Targets { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Loss.Dispose();
        Targets.Dispose();
    }
}
