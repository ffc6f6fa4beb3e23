namespace BamOrleans.Grains.Data;

/// <summary>
/// A run's whole memory bank, or one bank shard's slice of it, as of the end of a step: what a
/// checkpoint stores so that a resumed run reads exactly the rows the uninterrupted one would.
/// </summary>
/// <param name="AfterStep">The last step whose update the rows include (-1: the starting rows).</param>
/// <param name="Width">Floats per row.</param>
/// <param name="Rows">Row-major, in dataset index order: all DatasetSize rows for the run's bank,
/// the shard's range for a shard's slice. Marked immutable, so the receiver must not write to it.</param>
[GenerateSerializer, Immutable, Alias("bam.MemorySnapshot")]
public sealed record MemorySnapshot(
    [property: Id(0)] long AfterStep,
    [property: Id(1)] int Width,
    [property: Id(2)] float[] Rows)
{
    /// <summary>How many rows <see cref="Rows"/> holds.</summary>
    public int Count => Width == 0 ? 0 : Rows.Length / Width;
}
