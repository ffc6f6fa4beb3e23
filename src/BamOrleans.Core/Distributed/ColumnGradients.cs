using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 3's outbound part, slot → aggregator: dL_w/dC, the gradient of the slot's loss share
/// with respect to all K global columns (K × D). Only exists without an EMA teacher, when the
/// columns are student rows. The aggregator sums these over the slots
/// (<see cref="ColumnGradientReduction"/>), which is the backward of the official
/// differentiable all-gather.
/// </summary>
/// <remarks>Owns its handle; dispose it.</remarks>
public sealed class ColumnGradients : IDisposable
{
    /// <summary>Wraps a K × D gradient (e.g. after deserialisation); takes ownership of it. The
    /// aggregator checks K against the step when reducing.</summary>
    public ColumnGradients(SlotStepId id, Tensor gradient)
    {
        Objective.NumericLimits.RequireMatrix(gradient, nameof(gradient));
        Id = id;
        Gradient = gradient;
    }

    public SlotStepId Id { get; }

    /// <summary>K × D, row = global column index.</summary>
    public Tensor Gradient { get; }

    /// <summary>Bytes of tensor data: K·D elements.</summary>
    public long PayloadBytes => ProtocolGuards.PayloadBytes(Gradient);

    public void Dispose() => Gradient.Dispose();
}
