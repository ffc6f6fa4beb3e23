using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 4's result, aggregator → slot: Σ_w' dL_w'/dC restricted to the slot's own T·B columns,
/// in the slot's row order t·B + b (so it adds straight onto the slot's first T·B rows).
/// </summary>
/// <remarks>Owns its handle; dispose it.</remarks>
public sealed class OwnColumnGradients : IDisposable
{
    /// <summary>Wraps a T·B × D gradient (e.g. after deserialisation); takes ownership of it. The
    /// slot checks its shape against its share in <see cref="SlotBackward.EmbeddingGradient"/>.</summary>
    public OwnColumnGradients(SlotStepId id, Tensor gradient)
    {
        Objective.NumericLimits.RequireMatrix(gradient, nameof(gradient));
        Id = id;
        Gradient = gradient;
    }

    public SlotStepId Id { get; }

    /// <summary>T·B × D.</summary>
    public Tensor Gradient { get; }

    /// <summary>Bytes of tensor data: T·B·D elements.</summary>
    public long PayloadBytes => ProtocolGuards.PayloadBytes(Gradient);

    public void Dispose() => Gradient.Dispose();
}
