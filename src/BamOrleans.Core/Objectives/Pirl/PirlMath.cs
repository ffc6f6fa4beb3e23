using BamOrleans.Core.Objective;
using BamOrleans.Core.Randomness;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Pirl;

/// <summary>
/// The PIRL objective (Misra &amp; van der Maaten, "Self-Supervised Learning of
/// Pretext-Invariant Representations", CVPR 2020) as pure tensor functions; the memory bank itself
/// lives elsewhere (data grains on the leader), these only compute with rows of it.
/// </summary>
/// <remarks>
/// <para>Views: view 0 of image I plays v_I and view 1 the transformed v_{I^t}, both made by the
/// augmentations every method shares (the paper's jigsaw is not used: 3×3 patches of a 28×28
/// image are 9 px, and one encoder head keeps checkpoints and export identical across methods;
/// the paper's ablations show PIRL works with other transforms). f and g are the L2-normalised
/// embeddings of view 0 and view 1 (same encoder and projector).</para>
/// <para>Memory bank: one unit vector m_i per training image. m_I is the positive; the N
/// negatives are bank rows at indices drawn uniformly with replacement by
/// <see cref="SampleNegatives"/>, one set per step shared by the whole global batch (as VISSL's
/// NCELossWithMemory).</para>
/// <para>NCE (Wu et al. 2018; the paper's eq. 3): h(a, b) = P/(P + N·P_n), P = exp(s(a,b)/τ)/Z,
/// P_n = 1/|D|. Z is estimated per query from its own negatives, Z = |D|·mean_j exp(s_j/τ), and
/// treated as a constant, so N·P_n·Z = Σ_j exp(s_j/τ) and |D| cancels: h = σ(u) with
/// u = s/τ − logsumexp_j(s_j/τ) (the logsumexp detached). Per query
/// L_NCE = softplus(−u_pos) + Σ_j softplus(u_j) = −log h(pos) − Σ_j log(1 − h(neg_j)), computed in
/// log space so no exp can overflow; the batch value is the mean over queries.</para>
/// <para>Loss (eq. 5): L = λ·L_NCE(m_I, g) + (1−λ)·L_NCE(m_I, f). After the step, without
/// gradient, m_I ← normalize(μ·m_I + (1−μ)·f_I).</para>
/// <para>On W slots each slot calls <see cref="Loss"/> on its own B images with the shared
/// negatives; the global loss is the mean of the slots' values (equal to the one-slot loss on
/// the whole batch, because every query's term depends only on its own rows and the negatives).</para>
/// </remarks>
public static class PirlMath
{
    /// <summary>Clamp of the L2 norm when normalising, as in F.normalize (and BamLoss).</summary>
    public const double NormalizeEpsilon = 1e-12;

    // Domain tags put PIRL's counter streams apart from every other stream keyed by the same
    // seed (augmentations, sampling): ASCII "PIRLNEG" / "PIRLMEM" in the high bytes.
    private const ulong NegativesTag = 0x5049524C4E454700UL;

    /// <summary>
    /// The bank indices used as negatives at <paramref name="step"/>: <paramref name="count"/>
    /// draws, uniform on [0, <paramref name="datasetSize"/>) with replacement. A pure function of
    /// (seed, step) — every slot and the leader get the same set without exchanging it — and
    /// a shorter draw is a prefix of a longer one.
    /// </summary>
    public static int[] SampleNegatives(long seed, long step, int datasetSize, int count)
    {
        if (datasetSize < 1)
            throw new ArgumentOutOfRangeException(nameof(datasetSize), datasetSize, "datasetSize must be at least 1: pass the number of training images (the memory bank's rows).");
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1: pass PirlOptions.Negatives.");
        var random = new SplitMix64(Key(seed, NegativesTag, (ulong)step));
        var indices = new int[count];
        for (var i = 0; i < indices.Length; i++)
            indices[i] = (int)random.NextBelow((ulong)datasetSize);
        return indices;
    }

    /// <summary>
    /// Mean NCE loss of the queries against their positives and the shared negatives (see the
    /// class remarks). Differentiable with respect to <paramref name="queries"/> only.
    /// </summary>
    /// <param name="queries">[B, D] embeddings; normalised here (as F.normalize), so they need not be unit.</param>
    /// <param name="positives">[B, D] bank rows m_I of the same images, used as given (unit rows); no gradient.</param>
    /// <param name="negatives">[N, D] bank rows of <see cref="SampleNegatives"/>, used as given; no gradient.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    public static Tensor Nce(Tensor queries, Tensor positives, Tensor negatives, double temperature)
    {
        RequireRows(queries, nameof(queries));
        RequireSameShape(positives, queries, nameof(positives), nameof(queries), "pass the bank row m_I of each query's image, in the same order");
        RequireBank(negatives, queries, nameof(negatives));
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite (0.07 is the paper's value).");
        RequireFinite(queries, nameof(queries));
        RequireFinite(positives, nameof(positives));
        RequireFinite(negatives, nameof(negatives));

        using var scope = NewDisposeScope();
        var q = Normalize(queries);
        var positive = q.mul(positives.detach()).sum(1).div_(temperature);
        var negative = q.mm(negatives.detach().t()).div_(temperature);
        // log(N·P_n·Z) with Z estimated from this query's negatives; a constant, as in the paper.
        var logPartition = negative.logsumexp(1).detach();
        var uPositive = positive.sub(logPartition);
        var uNegative = negative.sub(logPartition.unsqueeze(1));
        var perQuery = nn.functional.softplus(uPositive.neg()).add(nn.functional.softplus(uNegative).sum(1));
        return perQuery.mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// λ·Nce(g, m, negatives) + (1−λ)·Nce(f, m, negatives), τ and λ from the options (eq. 5).
    /// </summary>
    /// <param name="f">[B, D] embeddings of view 0 (v_I); normalised here.</param>
    /// <param name="g">[B, D] embeddings of view 1 (v_{I^t}), same image order; normalised here.</param>
    /// <param name="memory">[B, D] bank rows m_I of these images; no gradient.</param>
    /// <param name="negatives">[N, D] the step's negative bank rows; no gradient.</param>
    /// <param name="options">Validated here.</param>
    public static Tensor Loss(Tensor f, Tensor g, Tensor memory, Tensor negatives, PirlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(negatives);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid PIRL options: " + string.Join(" ", problems), nameof(options));
        RequireRows(f, nameof(f));
        RequireSameShape(g, f, nameof(g), nameof(f), "pass view 1's embeddings of the same images, in the same order");
        RequireSameShape(memory, f, nameof(memory), nameof(f), "pass the bank row m_I of each image, in the same order");
        if (negatives.dim() == 2 && negatives.shape[0] != options.Negatives)
            throw new ArgumentException(
                $"negatives has {negatives.shape[0]} rows but PirlOptions.Negatives = {options.Negatives}: gather the bank rows at SampleNegatives(seed, step, datasetSize, options.Negatives).",
                nameof(negatives));

        using var scope = NewDisposeScope();
        var transformed = Nce(g, memory, negatives, options.Temperature);
        var original = Nce(f, memory, negatives, options.Temperature);
        return transformed.mul(options.Lambda).add(original.mul(1 - options.Lambda)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The bank rows after the step: normalize(μ·m_I + (1−μ)·f_I) with f_I normalised first.
    /// No gradient; a new tensor in the memory's dtype.
    /// </summary>
    /// <param name="memory">[B, D] current bank rows m_I.</param>
    /// <param name="f">[B, D] embeddings of view 0 of the same images (as passed to <see cref="Loss"/>).</param>
    /// <param name="momentum">μ in [0, 1).</param>
    public static Tensor UpdatedMemory(Tensor memory, Tensor f, double momentum)
    {
        RequireRows(memory, nameof(memory));
        RequireSameShape(f, memory, nameof(f), nameof(memory), "pass view 0's embeddings of the images whose bank rows are updated, in the same order");
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1): pass PirlOptions.MemoryMomentum (0.5 is the paper's value).");
        RequireFinite(memory, nameof(memory));
        RequireFinite(f, nameof(f));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mixed = memory.detach().mul(momentum).add(Normalize(f.detach()).mul(1 - momentum));
        return Normalize(mixed).MoveToOuterDisposeScope();
    }

    private static Tensor Normalize(Tensor x) => nn.functional.normalize(x, p: 2, dim: -1, eps: NormalizeEpsilon);

    private static ulong Absorb(ulong state, ulong value) => SplitMix64.Mix(state ^ SplitMix64.Mix(value + SplitMix64.Golden));

    // The same key derivation as the augmentations' CounterRandom, with a PIRL domain tag.
    private static ulong Key(long seed, ulong tag, ulong counter) =>
        Absorb(Absorb(Absorb(SplitMix64.Golden, (ulong)seed), tag), counter);

    private static void RequireRows(Tensor t, string name)
    {
        NumericLimits.RequireMatrix(t, name);
        if (t.shape[0] < 1 || t.shape[1] < 1)
            throw new ArgumentException($"{name} has shape [{string.Join(", ", t.shape)}]: it needs at least one row and one column.", name);
    }

    private static void RequireSameShape(Tensor t, Tensor like, string name, string likeName, string fix)
    {
        NumericLimits.RequireMatrix(t, name);
        if (!t.shape.SequenceEqual(like.shape))
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", t.shape)}] but {likeName} has [{string.Join(", ", like.shape)}]: {fix}.", name);
        if (t.dtype != like.dtype)
            throw new ArgumentException($"{name} is {t.dtype} but {likeName} is {like.dtype}: use one dtype throughout.", name);
    }

    private static void RequireBank(Tensor negatives, Tensor queries, string name)
    {
        NumericLimits.RequireMatrix(negatives, name);
        if (negatives.shape[0] < 1)
            throw new ArgumentException($"{name} has no rows: pass at least one negative bank row (PirlOptions.Negatives ≥ 1).", name);
        if (negatives.shape[1] != queries.shape[1])
            throw new ArgumentException(
                $"{name} rows have width {negatives.shape[1]} but the embeddings have {queries.shape[1]}: the memory bank must be as wide as the projector's output.", name);
        if (negatives.dtype != queries.dtype)
            throw new ArgumentException($"{name} is {negatives.dtype} but the embeddings are {queries.dtype}: use one dtype throughout.", name);
    }

    private static void RequireFinite(Tensor t, string name)
    {
        using var scope = NewDisposeScope();
        if (!t.detach().isfinite().all().item<bool>())
            throw new ArgumentException($"{name} contains NaN or ±∞: check what produced it (a diverged step, an uninitialised bank row) before computing the loss.", name);
    }
}
