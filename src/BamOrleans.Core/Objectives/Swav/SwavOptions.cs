namespace BamOrleans.Core.Objectives.Swav;

/// <summary>
/// Hyper-parameters of the SwAV objective (Caron et al., NeurIPS 2020). Defaults follow the
/// official recipe (ε 0.05, τ 0.1, three Sinkhorn iterations, codes from the two large crops),
/// scaled down where the official value assumes ImageNet (prototypes, local crops, freeze steps),
/// so a caller only states what differs.
/// </summary>
public sealed record SwavOptions
{
    /// <summary>Large crops per image (G). They come first in every batch (views 0..G−1) and are
    /// the views whose codes are computed (the official crops_for_assign = [0, 1]), because small
    /// crops see too little of the image to be trusted as targets.</summary>
    public int GlobalViews { get; init; } = 2;

    /// <summary>Multi-crop small crops per image (L), placed after the global views. The official
    /// ImageNet recipe uses 6; 2 here, as BAM's default multi-crop on 28×28 images (`bam local`
    /// gives both objectives its `--local-views`).</summary>
    public int LocalViews { get; init; } = 2;

    /// <summary>Number of prototypes K (the official ImageNet value is 3000).</summary>
    public int Prototypes { get; init; } = 100;

    /// <summary>Entropic regularisation ε of the Sinkhorn codes; smaller is sharper.</summary>
    public double Epsilon { get; init; } = 0.05;

    /// <summary>Sinkhorn normalisation rounds over the (global) batch.</summary>
    public int SinkhornIterations { get; init; } = 3;

    /// <summary>Softmax temperature τ of the predicted assignments.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Steps at the start of training during which the prototypes' gradient is dropped
    /// (the official freeze_prototypes_niters is 313, one ImageNet epoch): it lets the encoder
    /// settle before the prototypes move.</summary>
    public int FreezePrototypesSteps { get; init; } = 300;

    /// <summary>Rows of past global batches kept per assignment view and prepended to the scores
    /// before Sinkhorn (0 = no queue). A queue lets small batches still spread over K prototypes.</summary>
    public int QueueLength { get; init; } = 0;

    /// <summary>First step at which the queue is used; it is used only once full, as the official
    /// code uses it only once its last row is non-zero.</summary>
    public int QueueStartsAtStep { get; init; } = 0;

    /// <summary>Views per image, V = G + L.</summary>
    public int Views => GlobalViews + LocalViews;

    /// <summary>
    /// Every problem with these options, one message each, naming the YAML key and how to fix it.
    /// Empty when the options are usable. Returned rather than thrown so a configuration loader
    /// can report all problems at once.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (GlobalViews < 2)
            problems.Add($"swav.globalViews = {GlobalViews} is below 2: set swav.globalViews ≥ 2 (each global view's codes are predicted from another view; 2 is the official value).");
        if (LocalViews < 0)
            problems.Add($"swav.localViews = {LocalViews} is negative: set swav.localViews ≥ 0 (0 turns multi-crop off).");
        if (Prototypes < 2)
            problems.Add($"swav.prototypes = {Prototypes} is below 2: set swav.prototypes ≥ 2 (one prototype makes every code the same; 100 suits small datasets, 3000 is the ImageNet value).");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            problems.Add($"swav.epsilon = {Epsilon} must be a positive finite number: set swav.epsilon > 0 (0.05 is the official value).");
        if (SinkhornIterations < 1)
            problems.Add($"swav.sinkhornIterations = {SinkhornIterations} is below 1: set swav.sinkhornIterations ≥ 1 (3 is the official value).");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            problems.Add($"swav.temperature = {Temperature} must be a positive finite number: set swav.temperature > 0 (0.1 is the official value).");
        if (FreezePrototypesSteps < 0)
            problems.Add($"swav.freezePrototypesSteps = {FreezePrototypesSteps} is negative: set swav.freezePrototypesSteps ≥ 0 (0 trains the prototypes from the first step).");
        if (QueueLength < 0)
            problems.Add($"swav.queueLength = {QueueLength} is negative: set swav.queueLength = 0 for no queue, or a positive number of rows (a multiple of the batch).");
        if (QueueStartsAtStep < 0)
            problems.Add($"swav.queueStartsAtStep = {QueueStartsAtStep} is negative: set swav.queueStartsAtStep ≥ 0.");
        return problems;
    }
}
