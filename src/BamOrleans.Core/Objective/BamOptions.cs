namespace BamOrleans.Core.Objective;

/// <summary>
/// Hyper-parameters of the BAM objective. Defaults follow the paper's recipe (ε 0.05, τ 0.1,
/// three Sinkhorn iterations, two global views used as targets, positive masking on), so a
/// caller only states what differs.
/// </summary>
public sealed record BamOptions
{
    /// <summary>Large crops per image (G). They come first in every batch and are the only rows
    /// whose balanced attention is used as a target, because small crops see too little of the
    /// image to be trusted as teachers.</summary>
    public int GlobalViews { get; init; } = 2;

    /// <summary>Small crops per image (L), placed after the global views.</summary>
    public int LocalViews { get; init; } = 0;

    /// <summary>Views per image that serve as attention columns (T). The columns are the first T
    /// views of every image, so T ≤ <see cref="Views"/>; the default is the global views.</summary>
    public int TargetViews { get; init; } = 2;

    /// <summary>Entropic regularisation ε of the Sinkhorn targets at the start of training;
    /// smaller is sharper.</summary>
    public double Epsilon { get; init; } = 0.05;

    /// <summary>ε reached after the warm-up; null keeps ε constant.</summary>
    public double? EpsilonFinal { get; init; }

    /// <summary>Epochs over which ε moves from <see cref="Epsilon"/> to <see cref="EpsilonFinal"/>
    /// (the official code uses 30).</summary>
    public int EpsilonWarmupEpochs { get; init; } = 30;

    /// <summary>Softmax temperature τ of the predicted attention.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Sinkhorn column/row balancing rounds. Three is what the paper uses: the targets
    /// only need to be roughly balanced, and each round costs a pass over the similarity matrix.</summary>
    public int SinkhornIterations { get; init; } = 3;

    /// <summary>If &gt; 0, keep only the k most attended columns of each image's targets
    /// (chosen on the average over the global views); 0 keeps all.</summary>
    public int TopK { get; init; } = 0;

    /// <summary>Take the targets from an EMA teacher's embeddings (official DistillBAMLoss)
    /// instead of from the student's own.</summary>
    public bool UseEmaTeacher { get; init; } = false;

    /// <summary>Views per image, V = G + L.</summary>
    public int Views => GlobalViews + LocalViews;

    /// <summary>The ε schedule these options describe.</summary>
    public EpsilonSchedule EpsilonSchedule => new(Epsilon, EpsilonFinal ?? Epsilon, EpsilonWarmupEpochs);

    /// <summary>
    /// Every problem with these options, one message each, naming the key and how to fix it.
    /// Empty when the options are usable. Returned rather than thrown so a configuration loader
    /// can report all problems at once. TopK ≤ K depends on the batch and is checked by
    /// <see cref="BamLoss.Compute"/>.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (GlobalViews < 1)
            problems.Add($"GlobalViews = {GlobalViews} is below 1: set GlobalViews ≥ 1 (the targets come from the global views).");
        if (LocalViews < 0)
            problems.Add($"LocalViews = {LocalViews} is negative: set LocalViews ≥ 0.");
        if (TargetViews < 1)
            problems.Add($"TargetViews = {TargetViews} is below 1: set TargetViews ≥ 1 (usually TargetViews = GlobalViews).");
        else if (LocalViews >= 0 && TargetViews > Views)
            problems.Add($"TargetViews = {TargetViews} exceeds Views = {Views}: set TargetViews ≤ GlobalViews+LocalViews.");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            problems.Add($"Epsilon = {Epsilon} must be a positive finite number: set Epsilon > 0 (0.05 is the paper's value).");
        if (EpsilonFinal is { } final && (!(final > 0) || double.IsInfinity(final)))
            problems.Add($"EpsilonFinal = {final} must be a positive finite number: set EpsilonFinal > 0 or leave it unset to keep Epsilon.");
        if (EpsilonWarmupEpochs < 0)
            problems.Add($"EpsilonWarmupEpochs = {EpsilonWarmupEpochs} is negative: set EpsilonWarmupEpochs ≥ 0 (30 in the official code).");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            problems.Add($"Temperature = {Temperature} must be a positive finite number: set Temperature > 0 (0.1 is the paper's value).");
        if (SinkhornIterations < 1)
            problems.Add($"SinkhornIterations = {SinkhornIterations} is below 1: set SinkhornIterations ≥ 1 (3 is the paper's value).");
        if (TopK < 0)
            problems.Add($"TopK = {TopK} is negative: set TopK = 0 to keep all columns, or TopK > 0 to keep the k largest.");
        return problems;
    }
}
