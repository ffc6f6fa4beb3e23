using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Swav;

/// <summary>
/// The math of the SwAV objective (Caron et al., NeurIPS 2020; official code
/// facebookresearch/swav, main_swav.py): Sinkhorn codes of the assignment views, the
/// swapped-prediction cross-entropy, and the prototype normalisation. Pure tensor functions,
/// no I/O and no distribution: the caller decides which rows each call sees.
/// </summary>
/// <remarks>
/// Conventions: scores = z·Pᵀ with z the L2-normalised embeddings and P the [K, D] prototype
/// weights (normalised by <see cref="NormalizePrototypes"/> before every forward). Rows are
/// view-major: row v·B + b is view v of image b. Views 0..G−1 are the global (assignment) views.
/// </remarks>
public static class SwavMath
{
    /// <summary>
    /// The codes Q of one assignment view: the official <c>distributed_sinkhorn</c> on a single
    /// process that holds all N rows (queue rows, if any, first; then the global batch).
    /// </summary>
    /// <remarks>
    /// Official steps on Qᵀ = exp(scores/ε)ᵀ [K, N]: divide by the total; then
    /// <paramref name="iterations"/> times divide each prototype row by its sum and by K, and each
    /// sample column by its sum and by N; finally multiply by N. Every returned row (sample) sums
    /// to 1 and, as the iterations grow, every prototype receives N/K of the mass.
    /// <para>
    /// The same steps are taken on log Q, each division becoming a subtraction of a log-sum-exp,
    /// and exp is taken once at the end. This changes no value (each log-sum-exp is the log of the
    /// sum it replaces) but removes both failure modes of the plain form: exp(scores/ε) overflows
    /// once scores/ε exceeds ≈ 88 in float32 (ε &lt; 0.0113 with unit-norm scores) and, once a
    /// max is subtracted to avoid that, a prototype far from every sample underflows to a zero row
    /// and the division by its sum gives NaN. In the log domain no exp is taken before the end, and
    /// the final log values are ≤ −log N, so the result is always finite. The official first
    /// division by the total is one scalar, which the first prototype normalisation cancels, so it
    /// is left out.
    /// </para>
    /// Runs without gradient and returns a new tensor in the input's dtype and device.
    /// </remarks>
    /// <param name="scores">[N, K] scores of one assignment view's rows (rows = samples), finite.</param>
    /// <param name="epsilon">Entropic regularisation ε &gt; 0.</param>
    /// <param name="iterations">Sinkhorn rounds ≥ 1.</param>
    /// <returns>Q [N, K]; keep the last B_global rows when queue rows were prepended (official <c>[-bs:]</c>).</returns>
    public static Tensor Codes(Tensor scores, double epsilon, int iterations)
    {
        SwavChecks.RequireNonEmptyMatrix(scores, nameof(scores));
        SwavChecks.RequirePositiveFinite(epsilon, nameof(epsilon), "set swav.epsilon > 0 (0.05 is the official value).");
        SwavChecks.RequireAtLeast(iterations, 1, nameof(iterations), "set swav.sinkhornIterations ≥ 1 (3 is the official value).");
        SwavChecks.RequireFinite(scores, nameof(scores));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var samples = scores.shape[0];
        var logPrototypes = Math.Log(scores.shape[1]);
        var logSamples = Math.Log(samples);
        // logQ is log of Qᵀ kept in [N, K] layout: prototypes are its columns, samples its rows.
        var logQ = scores.detach().div(epsilon);
        for (var i = 0; i < iterations; i++)
        {
            logQ.sub_(logQ.logsumexp(0, keepdim: true)).sub_(logPrototypes); // each prototype's mass → 1/K
            logQ.sub_(logQ.logsumexp(1, keepdim: true)).sub_(logSamples);    // each sample's mass → 1/N
        }
        return logQ.add_(logSamples).exp_().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The swapped-prediction loss of one slot: each assignment view's codes are predicted from
    /// every other view, exactly as the official loss:
    /// (1/A) Σ_a (1/(V−1)) Σ_{v≠a} −mean_b Σ_k codes_a[b,k] · log_softmax(scores_v/τ)[b,k].
    /// </summary>
    /// <remarks>
    /// On W slots of B images each, every slot calls this on its own rows with its own rows of the
    /// global codes (rows w·B..w·B+B−1 of each view's <see cref="Codes"/> on the global batch).
    /// The mean over b is then over the slot's B images, so the global loss is the mean of the
    /// slots' values, and the gradient of the global loss is the mean of the slots' gradients
    /// (for a slot's own embeddings: its gradient divided by W). The codes carry no gradient,
    /// as in the official code.
    /// </remarks>
    /// <param name="scores">[V·B, K] view-major scores (row v·B + b); may require grad.</param>
    /// <param name="codes">A ≤ V tensors [B, K]: codes of assignment views 0..A−1 for these B
    /// images. Converted to the scores' dtype and device.</param>
    /// <param name="views">V, views per image (≥ 2: the prediction needs another view).</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>The scalar loss, differentiable with respect to <paramref name="scores"/>.</returns>
    public static Tensor SwappedPredictionLoss(Tensor scores, IReadOnlyList<Tensor> codes, int views, double temperature)
    {
        SwavChecks.RequireNonEmptyMatrix(scores, nameof(scores));
        ArgumentNullException.ThrowIfNull(codes);
        SwavChecks.RequireAtLeast(views, 2, nameof(views), "pass V = swav.globalViews + swav.localViews (a code is predicted from another view).");
        SwavChecks.RequirePositiveFinite(temperature, nameof(temperature), "set swav.temperature > 0 (0.1 is the official value).");
        if (scores.shape[0] % views != 0)
            throw new ArgumentException(
                $"scores has {scores.shape[0]} rows, not a multiple of views = {views}: pass V·B view-major rows (row v·B + b).", nameof(scores));
        if (codes.Count < 1 || codes.Count > views)
            throw new ArgumentException(
                $"codes has {codes.Count} entries: pass one [B, K] tensor per assignment view, 1 ≤ A ≤ views = {views} (A = swav.globalViews).", nameof(codes));
        var batch = scores.shape[0] / views;
        var prototypes = scores.shape[1];
        for (var a = 0; a < codes.Count; a++)
        {
            var code = codes[a] ?? throw new ArgumentNullException(nameof(codes), $"codes[{a}] is null: pass the codes of assignment view {a}.");
            if (code.dim() != 2 || code.shape[0] != batch || code.shape[1] != prototypes)
                throw new ArgumentException(
                    $"codes[{a}] has shape {SwavChecks.Shape(code)} but the scores are {views} views × {batch} images × {prototypes} prototypes: pass this slot's [{batch}, {prototypes}] rows of view {a}'s codes.",
                    nameof(codes));
            if (!code.is_floating_point())
                throw new ArgumentException($"codes[{a}] has dtype {code.dtype}: codes are probabilities; pass the float tensor from SwavMath.Codes.", nameof(codes));
        }

        using var scope = NewDisposeScope();
        var logProbabilities = nn.functional.log_softmax(scores.div(temperature), 1).view(views, batch, prototypes);
        Tensor? total = null;
        for (var a = 0; a < codes.Count; a++)
        {
            var code = codes[a].detach().to(scores.dtype, scores.device);
            Tensor? crossEntropies = null;
            for (var v = 0; v < views; v++)
            {
                if (v == a)
                    continue; // a view is never asked to predict its own code
                var crossEntropy = code.mul(logProbabilities[v]).sum(1).mean().neg();
                crossEntropies = crossEntropies is null ? crossEntropy : crossEntropies.add(crossEntropy);
            }
            var term = crossEntropies!.div(views - 1);
            total = total is null ? term : total.add(term);
        }
        return total!.div(codes.Count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scales every prototype (row of the [K, D] weight) to unit L2 norm, in place and without
    /// gradient, as the official code does before every forward so that scores are cosines.
    /// A zero row stays zero (norm clamped at 1e-12, as <c>F.normalize</c>).
    /// </summary>
    public static void NormalizePrototypes(Tensor weight)
    {
        SwavChecks.RequireNonEmptyMatrix(weight, nameof(weight));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        weight.div_(weight.norm(1, keepdim: true).clamp_min_(1e-12));
    }
}
