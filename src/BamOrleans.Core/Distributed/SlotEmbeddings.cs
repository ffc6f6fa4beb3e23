using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 1, slot → aggregator: the slot's L2-normalised rows, V·B × D, view-major (row v·B + b).
/// Without an EMA teacher these are the student's rows; with one, the teacher's (the student's
/// rows are only needed on the slot, so they never travel).
/// </summary>
/// <remarks>
/// <see cref="Rows"/> is detached and shares storage with the tensor it was made from: do not
/// modify that tensor in place until the message has been sent. Owns its handle; dispose it.
/// </remarks>
public sealed class SlotEmbeddings : IDisposable
{
    /// <summary>How far a row's norm may be from 1 (or 0, F.normalize's image of a zero row)
    /// before the rows are taken to be un-normalised; loose enough for float32 rounding.</summary>
    private const double NormTolerance = 1e-3;

    private SlotEmbeddings(SlotStepId id, EmbeddingSource source, Tensor rows)
    {
        Id = id;
        Source = source;
        Rows = rows;
    }

    public SlotStepId Id { get; }

    public EmbeddingSource Source { get; }

    /// <summary>V·B × D normalised rows, detached.</summary>
    public Tensor Rows { get; }

    /// <summary>Bytes of tensor data this message carries (the header — step, slot, source — is
    /// a few bytes more and not counted).</summary>
    public long PayloadBytes => ProtocolGuards.PayloadBytes(Rows);

    /// <summary>
    /// L2-normalises projector outputs exactly as <see cref="BamLoss.Compute"/> does, keeping
    /// autograd: the slot keeps the result to call <c>backward</c> on in step 5.
    /// </summary>
    public static Tensor Normalize(Tensor projectorOutput)
    {
        NumericLimits.RequireMatrix(projectorOutput, nameof(projectorOutput));
        return nn.functional.normalize(projectorOutput, p: 2, dim: -1, eps: BamLoss.NormalizeEpsilon);
    }

    /// <summary>The message of a run without EMA teacher: the student's normalised rows.</summary>
    public static SlotEmbeddings FromStudent(SlotStepId id, Tensor normalizedRows, int views) =>
        Create(id, EmbeddingSource.Student, normalizedRows, views);

    /// <summary>The message of a run with EMA teacher: the teacher's normalised rows of the same views.</summary>
    public static SlotEmbeddings FromTeacher(SlotStepId id, Tensor normalizedTeacherRows, int views) =>
        Create(id, EmbeddingSource.Teacher, normalizedTeacherRows, views);

    private static SlotEmbeddings Create(SlotStepId id, EmbeddingSource source, Tensor rows, int views)
    {
        NumericLimits.RequireMatrix(rows, nameof(rows));
        if (id.Step < 0 || id.Slot < 0)
            throw new ArgumentOutOfRangeException(nameof(id), id, "Step and slot must be ≥ 0.");
        if (views < 1)
            throw new ArgumentOutOfRangeException(nameof(views), views, "views must be ≥ 1: pass GlobalViews + LocalViews.");
        if (rows.shape[0] == 0 || rows.shape[0] % views != 0)
            throw new ArgumentException(
                $"rows has {rows.shape[0]} rows, not a positive multiple of Views = {views}: send V·B rows, view-major (all images' view 0, then view 1, …).",
                nameof(rows));
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            // A forgotten normalisation would silently change the loss; catching it costs one pass.
            var norms = rows.detach().norm(1, keepdim: false);
            var off = minimum(norms.sub(1).abs(), norms.abs()).max().to_type(ScalarType.Float64).item<double>();
            if (double.IsNaN(off) || double.IsInfinity(off))
                throw new ArgumentException(
                    "rows contain NaN or infinity: this slot's forward pass diverged; skip the step on every slot instead of sending them.",
                    nameof(rows));
            if (off > NormTolerance)
                throw new ArgumentException(
                    $"rows are not L2-normalised (a row norm is off by {off:g3}): send SlotEmbeddings.Normalize(projector output).",
                    nameof(rows));
        }
        return new SlotEmbeddings(id, source, rows.detach());
    }

    public void Dispose() => Rows.Dispose();
}
