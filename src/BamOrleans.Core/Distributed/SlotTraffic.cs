using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Bytes of tensor data one slot sends and receives per step under this protocol, against the
/// floor: every slot must at least send and receive its V·B·D numbers.
/// </summary>
/// <param name="EmbeddingsBytes">Up, step 1: V·B·D (the student's or the teacher's rows).</param>
/// <param name="ColumnGradientsBytes">Up, step 3: K·D (no teacher), else 0.</param>
/// <param name="TargetsBytes">Down, step 2: K·D + K (C and log v).</param>
/// <param name="OwnColumnGradientsBytes">Down, step 4: T·B·D (no teacher), else 0.</param>
/// <param name="FloorBytes">V·B·D, each way.</param>
public sealed record SlotTraffic(long EmbeddingsBytes, long ColumnGradientsBytes, long TargetsBytes, long OwnColumnGradientsBytes, long FloorBytes)
{
    public long UpBytes => EmbeddingsBytes + ColumnGradientsBytes;

    public long DownBytes => TargetsBytes + OwnColumnGradientsBytes;

    public double UpOverFloor => (double)UpBytes / FloorBytes;

    public double DownOverFloor => (double)DownBytes / FloorBytes;

    /// <summary>The traffic of one step with this layout, projector width and dtype.</summary>
    public static SlotTraffic For(SlotLayout layout, int dim, ScalarType dtype, bool emaTeacher)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (dim < 1)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "dim must be ≥ 1: pass D, the projector output width.");
        var e = ProtocolGuards.ElementBytes(dtype);
        var rows = layout.RowsPerSlot * dim * e;
        var columns = layout.Columns * dim * e;
        return new SlotTraffic(
            EmbeddingsBytes: rows,
            ColumnGradientsBytes: emaTeacher ? 0 : columns,
            TargetsBytes: columns + layout.Columns * e,
            OwnColumnGradientsBytes: emaTeacher ? 0 : layout.OwnColumns * dim * e,
            FloorBytes: rows);
    }
}
