namespace BamOrleans.Core.Objectives.Pirl;

/// <summary>
/// Hyper-parameters of the PIRL objective (Misra &amp; van der Maaten, CVPR 2020) as this project
/// runs it: two views per image made by the shared augmentations (view 0 plays v_I, view 1 the
/// transformed v_{I^t}; no jigsaw, whose 9-px patches are too small on 28×28 images), NCE against a
/// memory bank of one unit vector per training image. Defaults are the paper's (τ 0.07, λ 0.5,
/// memory momentum 0.5) except the negatives: 4096 instead of 32000, since Fashion-MNIST has
/// 60,000 images rather than 1.28M.
/// </summary>
public sealed record PirlOptions
{
    /// <summary>Memory-bank rows drawn (uniformly, with replacement) as negatives per step,
    /// shared by every image of the global batch (YAML <c>pirl.negatives</c>).</summary>
    public int Negatives { get; init; } = 4096;

    /// <summary>Temperature τ of the similarities s/τ (YAML <c>pirl.temperature</c>).</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>Weight λ of the transformed view's term, L = λ·L_NCE(m_I, g) + (1−λ)·L_NCE(m_I, f)
    /// (the paper's eq. 5; YAML <c>pirl.lambda</c>).</summary>
    public double Lambda { get; init; } = 0.5;

    /// <summary>μ in the bank update m_I ← normalize(μ·m_I + (1−μ)·f_I) (YAML
    /// <c>pirl.memoryMomentum</c>). Below 1, or the bank would never learn.</summary>
    public double MemoryMomentum { get; init; } = 0.5;

    /// <summary>Views per image that the data pipeline must make. PIRL uses exactly two: the
    /// image and its transform (YAML <c>pirl.globalViews</c>).</summary>
    public int GlobalViews { get; init; } = 2;

    /// <summary>Small crops per image; PIRL uses none (YAML <c>pirl.localViews</c>).</summary>
    public int LocalViews { get; init; } = 0;

    /// <summary>Views per image, always 2 for valid options.</summary>
    public int Views => GlobalViews + LocalViews;

    /// <summary>
    /// Every problem with these options, one message each, naming the YAML key and how to fix it.
    /// Empty when the options are usable. Returned rather than thrown so a configuration loader
    /// can report all problems at once.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Negatives < 1)
            problems.Add($"pirl.negatives = {Negatives} is below 1: set pirl.negatives ≥ 1 (4096 is the default).");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            problems.Add($"pirl.temperature = {Temperature} must be a positive finite number: set pirl.temperature > 0 (0.07 is the paper's value).");
        if (!(Lambda >= 0 && Lambda <= 1))
            problems.Add($"pirl.lambda = {Lambda} is outside [0, 1]: set pirl.lambda in [0, 1] (0.5 is the paper's value).");
        if (!(MemoryMomentum >= 0 && MemoryMomentum < 1))
            problems.Add($"pirl.memoryMomentum = {MemoryMomentum} is outside [0, 1): set pirl.memoryMomentum in [0, 1) (0.5 is the paper's value).");
        if (GlobalViews != 2)
            problems.Add($"pirl.globalViews = {GlobalViews} is not 2: set pirl.globalViews = 2 (PIRL compares an image with one transformed view of it).");
        if (LocalViews != 0)
            problems.Add($"pirl.localViews = {LocalViews} is not 0: set pirl.localViews = 0 (PIRL uses no small crops).");
        return problems;
    }
}
