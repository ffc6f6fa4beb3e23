using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// The leader's half of an objective: it sees every slot's upload of a step at once (the global
/// batch) and answers each slot. One instance lives with the run's aggregator and keeps whatever
/// the objective carries across steps there (SwAV's queue); it is rebuilt empty when the aggregator
/// moves to another silo.
/// </summary>
public interface IObjectiveLeader : IDisposable
{
    /// <summary>The per-image memory rows the step needs, in the order <see cref="Lead"/> expects
    /// them (PIRL: the global batch's images, then the step's negatives); empty for objectives
    /// that keep no memory. From the slots' samples only (index w: slot w's), so the caller can
    /// fetch the rows before any tensor of the step exists.</summary>
    IReadOnlyList<int> MemoryReads(LeaderStep step, IReadOnlyList<int[]> samples);

    /// <summary>One answer per slot (index w for slot w) and the memory rows to write after the
    /// step. <paramref name="memory"/> holds the rows of <see cref="MemoryReads"/> (null when it
    /// was empty).</summary>
    LeaderAnswer Lead(LeaderStep step, IReadOnlyList<SlotUpload> uploads, Tensor? memory);

    /// <summary>The second round, for objectives whose shares carry gradients for shared tensors:
    /// from every slot's gradient, each slot's part of their sum.</summary>
    IReadOnlyList<Tensor> ReduceShared(LeaderStep step, IReadOnlyList<Tensor> sharedGradients);
}
