using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>
/// The balanced self-attention targets of BAM: an entropic optimal-transport plan over the
/// similarity matrix, computed with a few Sinkhorn rounds. Balancing forces every column
/// (image view) to receive the same total attention, which is what keeps the representation
/// from collapsing onto a few popular images.
/// </summary>
/// <remarks>
/// Stands alone (no loss, no options) so a distributed aggregator can run it on the gathered
/// global batch and hand each slot its rows. Everything runs without gradient, in the input dtype.
/// <para>
/// Every target row equals softmax_j(A_ij + log v_j) where A = S/ε (masked entries removed) and
/// v is the product of the column factors of all rounds — the row factors and global scalings
/// cancel in the final row normalisation. <see cref="LogColumnScales"/> and
/// <see cref="TargetsFromLogColumnScales"/> expose that factorisation: after one pass over all N
/// rows to find log v (K numbers), any subset of rows can be turned into targets locally.
/// </para>
/// </remarks>
public static class BalancedSinkhorn
{
    /// <summary>
    /// Targets for all N rows: an N × K matrix whose rows sum to 1, with zeros at masked entries.
    /// </summary>
    /// <remarks>
    /// A = S/ε with masked entries at the dtype's most negative value; subtract max A; exp (masked
    /// → 0); divide by the total. Then <paramref name="iterations"/> times: scale each column to
    /// mass 1/(K − T) over the N rows (T masked entries per column are left out of the count),
    /// then each row to mass 1/N. Finally each row is normalised to sum 1.
    /// Degenerate case K ≤ T (every column is the row's own image, e.g. a batch of one image):
    /// there is nothing to attend to, so all targets are 0 (the official code yields NaN there).
    /// </remarks>
    /// <param name="similarities">S, N × K cosine similarities (rows: views, columns: target views).</param>
    /// <param name="mask">Bool N × K, true at same-image entries (see <see cref="SameImageMask"/>).</param>
    /// <param name="epsilon">Entropic regularisation ε &gt; 0.</param>
    /// <param name="iterations">Sinkhorn rounds ≥ 1.</param>
    /// <param name="targetViews">T, the number of masked columns per row that the column mass excludes.</param>
    public static Tensor Targets(Tensor similarities, Tensor mask, double epsilon, int iterations, int targetViews)
    {
        CheckArguments(similarities, mask, epsilon, iterations, targetViews);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (similarities.shape[1] <= targetViews)
            return zeros_like(similarities).MoveToOuterDisposeScope();
        var plan = Balance(similarities, mask, epsilon, iterations, targetViews, out _);
        return plan.div_(plan.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log v: the log of the product of the column factors of all Sinkhorn rounds (K values, up
    /// to an additive constant). With it, <see cref="TargetsFromLogColumnScales"/> reproduces the
    /// rows of <see cref="Targets"/> for any subset of rows.
    /// </summary>
    /// <remarks>Must be given all N rows: the column sums are over the whole (global) batch.
    /// In the degenerate case K ≤ T the result is all zeros.</remarks>
    public static Tensor LogColumnScales(Tensor similarities, Tensor mask, double epsilon, int iterations, int targetViews)
    {
        CheckArguments(similarities, mask, epsilon, iterations, targetViews);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (similarities.shape[1] <= targetViews)
            return zeros(similarities.shape[1], dtype: similarities.dtype, device: similarities.device).MoveToOuterDisposeScope();
        Balance(similarities, mask, epsilon, iterations, targetViews, out var logScales);
        return logScales.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Targets of some rows from the column scales found on the whole batch:
    /// row i = softmax_j(S_ij/ε + log v_j) over unmasked j, zero at masked j. Rows whose every
    /// column is masked get all-zero targets, as in <see cref="Targets"/>.
    /// </summary>
    /// <param name="similarities">Any n × K rows of S (e.g. one slot's rows).</param>
    /// <param name="mask">The matching n × K rows of the mask.</param>
    /// <param name="epsilon">The ε the scales were computed with.</param>
    /// <param name="logColumnScales">K values from <see cref="LogColumnScales"/>.</param>
    public static Tensor TargetsFromLogColumnScales(Tensor similarities, Tensor mask, double epsilon, Tensor logColumnScales)
    {
        NumericLimits.RequireMatrix(similarities, nameof(similarities));
        NumericLimits.RequireMask(mask, similarities.shape[0], similarities.shape[1], nameof(mask));
        RequireEpsilon(epsilon);
        ArgumentNullException.ThrowIfNull(logColumnScales);
        if (logColumnScales.dim() != 1 || logColumnScales.shape[0] != similarities.shape[1])
            throw new ArgumentException(
                $"logColumnScales has shape [{string.Join(", ", logColumnScales.shape)}] but there are {similarities.shape[1]} columns: pass the K values from LogColumnScales.",
                nameof(logColumnScales));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = similarities.detach().div(epsilon).add_(logColumnScales.to_type(similarities.dtype).unsqueeze(0))
            .masked_fill_(mask, NumericLimits.MostNegative(similarities.dtype));
        var targets = nn.functional.softmax(logits, 1);
        // A fully masked row would come out uniform; it has nothing to attend to, so zero it.
        var hasColumn = mask.logical_not().any(1, keepdim: true).to_type(similarities.dtype);
        return targets.mul_(hasColumn).MoveToOuterDisposeScope();
    }

    /// <summary>The un-normalised transport plan after the rounds, and the accumulated log v.</summary>
    private static Tensor Balance(Tensor similarities, Tensor mask, double epsilon, int iterations, int targetViews, out Tensor logScales)
    {
        var rows = similarities.shape[0];
        var columns = similarities.shape[1];
        var logits = similarities.detach().div(epsilon).masked_fill_(mask, NumericLimits.MostNegative(similarities.dtype));
        // Subtracting the global max (not per row) keeps exp in range while leaving the plan's
        // shape untouched; masked entries stay at the most negative value and exp to exactly 0.
        var plan = logits.sub_(logits.max()).exp_();
        plan.div_(plan.sum());
        var columnMass = 1.0 / (columns - targetViews);
        var rowMass = 1.0 / rows;
        logScales = zeros(columns, dtype: similarities.dtype, device: similarities.device);
        for (var i = 0; i < iterations; i++)
        {
            var columnFactor = plan.sum(0, keepdim: true).reciprocal_().mul_(columnMass);
            logScales.add_(columnFactor.log().squeeze(0));
            plan.mul_(columnFactor);
            plan.mul_(plan.sum(1, keepdim: true).reciprocal_().mul_(rowMass));
        }
        return plan;
    }

    private static void CheckArguments(Tensor similarities, Tensor mask, double epsilon, int iterations, int targetViews)
    {
        NumericLimits.RequireMatrix(similarities, nameof(similarities));
        NumericLimits.RequireMask(mask, similarities.shape[0], similarities.shape[1], nameof(mask));
        RequireEpsilon(epsilon);
        if (iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "iterations must be ≥ 1: set SinkhornIterations (3 is the paper's value).");
        if (targetViews < 1)
            throw new ArgumentOutOfRangeException(nameof(targetViews), targetViews, "targetViews must be ≥ 1: pass T, the views per image used as columns.");
    }

    private static void RequireEpsilon(double epsilon)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite: take it from EpsilonSchedule.At(epoch).");
    }
}
