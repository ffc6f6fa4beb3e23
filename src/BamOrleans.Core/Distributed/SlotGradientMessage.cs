using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>A column gradient travelling between a slot and the aggregator for one step. The two
/// directions are separate types (<see cref="ColumnGradients"/> up, <see cref="OwnColumnGradients"/>
/// down) so one can never be passed where the other is expected.</summary>
/// <remarks>Owns its handle; dispose it.</remarks>
public abstract class SlotGradientMessage : IDisposable
{
    /// <summary>Wraps a gradient matrix (e.g. after deserialisation); takes ownership of it.</summary>
    protected SlotGradientMessage(SlotStepId id, Tensor gradient)
    {
        Objective.NumericLimits.RequireMatrix(gradient, nameof(gradient));
        Id = id;
        Gradient = gradient;
    }

    public SlotStepId Id { get; }

    public Tensor Gradient { get; }

    /// <summary>Bytes of tensor data.</summary>
    public long PayloadBytes => ProtocolGuards.PayloadBytes(Gradient);

    public void Dispose()
    {
        Gradient.Dispose();
        GC.SuppressFinalize(this);
    }
}
