using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>The pool's answer to one slot's draw: the dataset indices the slot trains on this step, or why none.</summary>
/// <param name="Stamp">The stamp of the draw this answers.</param>
/// <param name="Epoch">The epoch of <see cref="StepStamp.Step"/>.</param>
/// <param name="Indices">
/// Dataset indices, in the order the slot should use them; empty when refused. Marked immutable
/// (passed by reference between grains on one silo, and the pool keeps it to answer retries), so
/// the receiver must not write to it.
/// </param>
/// <param name="Refused">Null when drawn; otherwise why the draw was refused (and counted). A refused draw changed nothing.</param>
[GenerateSerializer, Immutable, Alias("bam.SlotDraw")]
public sealed record SlotDraw(
    [property: Id(0)] StepStamp Stamp,
    [property: Id(1)] int Epoch,
    [property: Id(2)] int[] Indices,
    [property: Id(3)] RefusalReason? Refused)
{
    public bool Accepted => Refused is null;

    public static SlotDraw Refusal(StepStamp stamp, int epoch, RefusalReason reason) => new(stamp, epoch, [], reason);
}
