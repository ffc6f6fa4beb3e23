using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>The answer to a memory bank read: the rows of the asked indices, or why none.</summary>
/// <param name="Stamp">The stamp of the read this answers.</param>
/// <param name="Width">Floats per row.</param>
/// <param name="Rows">
/// Row-major, <paramref name="Width"/> floats per index, in the order of the asked indices
/// (repeats included); empty when refused. Marked immutable (passed by reference on one silo),
/// so the receiver must not write to it.
/// </param>
/// <param name="Refused">Null when read; otherwise why the read was refused (and counted). A refused read changed nothing.</param>
[GenerateSerializer, Immutable, Alias("bam.MemoryRows")]
public sealed record MemoryRows(
    [property: Id(0)] StepStamp Stamp,
    [property: Id(1)] int Width,
    [property: Id(2)] float[] Rows,
    [property: Id(3)] RefusalReason? Refused)
{
    public bool Accepted => Refused is null;

    /// <summary>How many rows <see cref="Rows"/> holds.</summary>
    public int Count => Width == 0 ? 0 : Rows.Length / Width;

    /// <summary>Row <paramref name="i"/> (the i-th asked index).</summary>
    public ReadOnlySpan<float> Row(int i) => Rows.AsSpan(i * Width, Width);

    public static MemoryRows Refusal(StepStamp stamp, int width, RefusalReason reason) => new(stamp, width, [], reason);
}
