using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 3's outbound part, slot → aggregator: dL_w/dC, the gradient of the slot's loss share
/// with respect to all K global columns (K × D, row = global column index). Only exists without
/// an EMA teacher, when the columns are student rows. The aggregator sums these over the slots
/// (<see cref="ColumnGradientReduction"/>), which is the backward of the official
/// differentiable all-gather; it checks K against the step when reducing.
/// </summary>
public sealed class ColumnGradients(SlotStepId id, Tensor gradient) : SlotGradientMessage(id, gradient);
