using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 3's result on the slot: its loss share L_w, the gradient of L_w with respect to its own
/// rows (through the row side only), and — without an EMA teacher — dL_w/dC to send to the
/// aggregator.
/// </summary>
/// <remarks>Owns its tensors, <see cref="ColumnGradients"/> included: send (serialise) that
/// message before disposing the share.</remarks>
public sealed class SlotStepShare : IDisposable
{
    internal SlotStepShare(SlotStepId id, SlotLayout layout, double loss, Tensor rowGradient, ColumnGradients? columnGradients)
    {
        Id = id;
        Layout = layout;
        Loss = loss;
        RowGradient = rowGradient;
        ColumnGradients = columnGradients;
    }

    public SlotStepId Id { get; }

    public SlotLayout Layout { get; }

    /// <summary>L_w: the BAM loss over this slot's rows, averaged over its B images, against the
    /// global targets and columns. The step's loss is the mean of the W shares.</summary>
    public double Loss { get; }

    /// <summary>∂L_w/∂z_w through the rows (columns held fixed), V·B × D.</summary>
    public Tensor RowGradient { get; }

    /// <summary>dL_w/dC for all K columns (K × D) to send to the aggregator; null with an EMA
    /// teacher, whose columns receive no gradient.</summary>
    public ColumnGradients? ColumnGradients { get; }

    public void Dispose()
    {
        RowGradient.Dispose();
        ColumnGradients?.Dispose();
    }
}
