namespace BamOrleans.Core.Distributed;

/// <summary>
/// Which step and which slot a payload belongs to. Every payload of the protocol carries one, and
/// every function that consumes a payload checks it, so a late message from an earlier step (a slot
/// that stalled, a retried call) is refused instead of being mixed into the current step.
/// </summary>
/// <remarks>Run id and generation (DESIGN §3.4) are the grain layer's to add around these
/// payloads; the math only needs to know that two payloads belong to the same step.</remarks>
/// <param name="Step">Global optimizer step, ≥ 0.</param>
/// <param name="Slot">Slot index w in [0, W): its images are w·B … w·B+B−1 of the global batch.</param>
public readonly record struct SlotStepId(long Step, int Slot)
{
    public override string ToString() => $"step {Step}, slot {Slot}";
}
