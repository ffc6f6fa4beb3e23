using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>One slot's upload of a step, as the leader sees it.</summary>
/// <param name="Slot">w, the slot's position in the step's slot list.</param>
/// <param name="Samples">The dataset indices of the slot's images, in batch order.</param>
/// <param name="Tensors">What <see cref="ITrainingObjective.Upload"/> returned on the slot.</param>
public sealed record SlotUpload(int Slot, int[] Samples, IReadOnlyList<Tensor> Tensors);
