using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 4's result, aggregator → slot: Σ_w' dL_w'/dC restricted to the slot's own T·B columns
/// (T·B × D), in the slot's row order t·B + b, so it adds straight onto the slot's first T·B
/// rows. The slot checks its shape against its share in <see cref="SlotBackward.EmbeddingGradient"/>.
/// </summary>
public sealed class OwnColumnGradients(SlotStepId id, Tensor gradient) : SlotGradientMessage(id, gradient);
