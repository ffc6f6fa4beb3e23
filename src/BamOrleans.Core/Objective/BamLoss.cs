using static TorchSharp.torch;

namespace BamOrleans.Core.Objective;

/// <summary>
/// The BAM objective (Shalam &amp; Korman, "Balanced self-Attention Matching"): each view's
/// softmax attention over the batch is trained to match the balanced (Sinkhorn) attention of the
/// image's other, global views. Single-slot form; the static building blocks let a distributed
/// version compute its local share of the same quantity.
/// </summary>
/// <remarks>
/// Rows are view-major (row v·B + b; global views first). Columns are the first T views of every
/// image (column t·B + b with one slot). Same-image entries are masked out everywhere.
/// </remarks>
public static class BamLoss
{
    /// <summary>Clamp of the L2 norm when normalising embeddings, as in F.normalize.</summary>
    public const double NormalizeEpsilon = 1e-12;

    /// <summary>
    /// Loss and targets for one slot's batch.
    /// </summary>
    /// <param name="embeddings">V·B × D projector outputs (not normalised), view-major, in
    /// float32 or float64; the loss is differentiable with respect to them.</param>
    /// <param name="options">Objective hyper-parameters (validated here).</param>
    /// <param name="epsilon">This step's ε, usually <c>options.EpsilonSchedule.At(epoch)</c>.</param>
    /// <param name="teacherEmbeddings">EMA-teacher outputs of the same views (same shape), required
    /// exactly when <see cref="BamOptions.UseEmaTeacher"/> is set; never receives gradient.</param>
    public static BamLossResult Compute(Tensor embeddings, BamOptions options, double epsilon, Tensor? teacherEmbeddings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid BAM options: " + string.Join(" ", problems), nameof(options));
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite: take it from options.EpsilonSchedule.At(epoch).");
        NumericLimits.RequireMatrix(embeddings, nameof(embeddings));
        int views = options.Views, globalViews = options.GlobalViews, targetViews = options.TargetViews;
        var rows = embeddings.shape[0];
        if (rows == 0 || rows % views != 0)
            throw new ArgumentException(
                $"embeddings has {rows} rows, not a positive multiple of Views = {views}: pass V·B rows, view-major (all images' view 0, then view 1, …).",
                nameof(embeddings));
        var batch = (int)(rows / views);
        CheckTeacher(embeddings, options, teacherEmbeddings);
        var columns = (long)targetViews * batch;
        if (options.TopK > columns)
            throw new ArgumentException(
                $"TopK = {options.TopK} exceeds the {columns} attention columns (TargetViews·B = {targetViews}·{batch}): set TopK ≤ {columns} or 0.",
                nameof(options));

        using var scope = NewDisposeScope();
        var student = nn.functional.normalize(embeddings, p: 2, dim: -1, eps: NormalizeEpsilon);
        Tensor? teacher = teacherEmbeddings is null
            ? null
            : nn.functional.normalize(teacherEmbeddings.detach(), p: 2, dim: -1, eps: NormalizeEpsilon);
        // Without a teacher the columns are the student's own rows, and gradient flows into them.
        var keys = (teacher ?? student).narrow(0, 0, columns);
        var mask = SameImageMask.Build(batch, views, 1, 0, targetViews, embeddings.device);
        var similarities = student.mm(keys.t());

        Tensor targets;
        using (no_grad())
        {
            var source = teacher is null ? similarities : teacher.mm(keys.t());
            targets = BalancedSinkhorn.Targets(source, mask, epsilon, options.SinkhornIterations, targetViews)
                .narrow(0, 0, (long)globalViews * batch);
            if (options.TopK > 0)
                targets = TopKTargets.Keep(targets, globalViews, options.TopK);
        }

        var logQ = PredictionLogProbs(similarities, mask, options.Temperature);
        var loss = CrossEntropy(targets, logQ, mask, globalViews, views, batch);
        return new BamLossResult(loss.MoveToOuterDisposeScope(), targets.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// log Q: row-wise log-softmax of S/τ over the columns, with masked entries pushed to the
    /// dtype's most negative finite value (never −∞, so 0·logQ stays 0). Differentiable.
    /// </summary>
    /// <param name="similarities">n × K similarities of the predicting rows.</param>
    /// <param name="mask">Matching n × K same-image mask.</param>
    /// <param name="temperature">Softmax temperature τ &gt; 0.</param>
    public static Tensor PredictionLogProbs(Tensor similarities, Tensor mask, double temperature)
    {
        NumericLimits.RequireMatrix(similarities, nameof(similarities));
        NumericLimits.RequireMask(mask, similarities.shape[0], similarities.shape[1], nameof(mask));
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite (0.1 is the paper's value).");
        using var scope = NewDisposeScope();
        var logits = similarities.div(temperature).masked_fill(mask, NumericLimits.MostNegative(similarities.dtype));
        return nn.functional.log_softmax(logits, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L = (1/G) Σ_{t&lt;G} (1/(V−1)) Σ_{v≠t} −mean_b Σ_j P_t[b,j]·logQ_v[b,j]·(1 − M[b,j]):
    /// every view predicts the targets of every other global view. With V = 1 the single view
    /// predicts its own targets (the official code does not skip v = t then).
    /// </summary>
    /// <param name="targets">G·B × K targets of the global views (no gradient needed).</param>
    /// <param name="logQ">V·B × K log-probabilities from <see cref="PredictionLogProbs"/>.</param>
    /// <param name="mask">V·B × K same-image mask (the rows of every view are alike).</param>
    /// <param name="globalViews">G.</param>
    /// <param name="views">V.</param>
    /// <param name="batch">B, rows per view block.</param>
    public static Tensor CrossEntropy(Tensor targets, Tensor logQ, Tensor mask, int globalViews, int views, int batch)
    {
        NumericLimits.RequireMatrix(targets, nameof(targets));
        NumericLimits.RequireMatrix(logQ, nameof(logQ));
        if (globalViews < 1 || views < globalViews || batch < 1)
            throw new ArgumentException(
                $"Need 1 ≤ globalViews ≤ views and batch ≥ 1, got globalViews = {globalViews}, views = {views}, batch = {batch}.");
        var columns = logQ.shape[1];
        if (logQ.shape[0] != (long)views * batch)
            throw new ArgumentException($"logQ has {logQ.shape[0]} rows but views·batch = {views}·{batch} = {(long)views * batch}: pass the log-probabilities of every view.", nameof(logQ));
        if (targets.shape[0] != (long)globalViews * batch || targets.shape[1] != columns)
            throw new ArgumentException(
                $"targets has shape [{string.Join(", ", targets.shape)}] but needs [{(long)globalViews * batch}, {columns}] (globalViews·batch × K): pass only the global views' target rows.",
                nameof(targets));
        if (targets.dtype != logQ.dtype)
            throw new ArgumentException($"targets is {targets.dtype} but logQ is {logQ.dtype}: use one dtype throughout.", nameof(targets));
        NumericLimits.RequireMask(mask, logQ.shape[0], columns, nameof(mask));

        using var scope = NewDisposeScope();
        var keep = mask.narrow(0, 0, batch).logical_not().to_type(logQ.dtype);
        Tensor? loss = null;
        for (var t = 0; t < globalViews; t++)
        {
            var target = targets.narrow(0, (long)t * batch, batch);
            Tensor? sub = null;
            var count = 0;
            for (var v = 0; v < views; v++)
            {
                if (v == t && views > 1)
                    continue;
                var term = target.mul(logQ.narrow(0, (long)v * batch, batch)).mul_(keep).sum(1).mean();
                sub = sub is null ? term.neg() : sub.sub(term);
                count++;
            }
            var average = sub!.div(count);
            loss = loss is null ? average : loss.add(average);
        }
        return loss!.div(globalViews).MoveToOuterDisposeScope();
    }

    private static void CheckTeacher(Tensor embeddings, BamOptions options, Tensor? teacher)
    {
        if (options.UseEmaTeacher && teacher is null)
            throw new ArgumentException("UseEmaTeacher is set but no teacherEmbeddings were given: pass the EMA teacher's outputs or set UseEmaTeacher = false.", "teacherEmbeddings");
        if (!options.UseEmaTeacher && teacher is not null)
            throw new ArgumentException("teacherEmbeddings were given but UseEmaTeacher is false: set UseEmaTeacher = true or drop the teacher.", "teacherEmbeddings");
        if (teacher is null)
            return;
        NumericLimits.RequireMatrix(teacher, "teacherEmbeddings");
        if (teacher.shape[1] != embeddings.shape[1])
            throw new ArgumentException(
                $"teacherEmbeddings have D = {teacher.shape[1]} but embeddings have D = {embeddings.shape[1]}: the teacher must use the same projector output size.", "teacherEmbeddings");
        if (teacher.shape[0] != embeddings.shape[0])
            throw new ArgumentException(
                $"teacherEmbeddings have {teacher.shape[0]} rows but embeddings have {embeddings.shape[0]}: feed the teacher the same V·B views, in the same order.", "teacherEmbeddings");
        if (teacher.dtype != embeddings.dtype)
            throw new ArgumentException($"teacherEmbeddings are {teacher.dtype} but embeddings are {embeddings.dtype}: use one dtype for both.", "teacherEmbeddings");
        if (teacher.device_type != embeddings.device_type || teacher.device_index != embeddings.device_index)
            throw new ArgumentException($"teacherEmbeddings are on {teacher.device} but embeddings on {embeddings.device}: move them to one device.", "teacherEmbeddings");
    }
}
