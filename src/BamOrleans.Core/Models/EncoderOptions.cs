namespace BamOrleans.Core.Models;

/// <summary>
/// Shape of an <see cref="Encoder"/>: backbone, input channels, normalization and projector.
/// Projector sizes left unset take the architecture's default (256/128 with 2 layers for the
/// small net, 2048/256 with 3 layers for the ResNets, as in the DINO/BAM heads).
/// </summary>
public sealed record EncoderOptions
{
    public const int DefaultSmallWidth = 16;

    private readonly int? _projectorHiddenDim;
    private readonly int? _projectorOutDim;
    private readonly int? _projectorLayers;

    public EncoderArchitecture Architecture { get; init; } = EncoderArchitecture.SmallResNet;

    /// <summary>Image channels: 1 (grayscale) or 3 (RGB).</summary>
    public int InChannels { get; init; } = 1;

    /// <summary>Base width of <see cref="SmallResNet"/> (stages w, 2w, 4w). Ignored by the ResNets.</summary>
    public int Width { get; init; } = DefaultSmallWidth;

    /// <summary>
    /// BasicBlocks in each of SmallResNet's three stages. 1 (default) is the fast choice; 2
    /// measured ~25% slower per training step for a twice-as-deep net. Ignored by the ResNets.
    /// </summary>
    public int SmallBlocksPerStage { get; init; } = 1;

    /// <summary>Norm of the backbone. Group keeps every sample independent of its batch.</summary>
    public NormKind Norm { get; init; } = NormKind.Group;

    /// <summary>
    /// Norm of the projector's hidden layers. Batch (BatchNorm1d, the usual SSL head) by default:
    /// with per-sample norms only, a freshly initialised small encoder maps all images to nearly
    /// one direction (mean cosine ≈ 0.97 on Fashion-MNIST) and BAM's gradient collapses it the
    /// rest of the way within ~20 steps; centring over the batch spreads the embeddings
    /// (mean cosine ≈ 0.2) and training proceeds. Group selects LayerNorm, batch-independent.
    /// </summary>
    public NormKind ProjectorNorm { get; init; } = NormKind.Batch;

    public int ProjectorHiddenDim
    {
        get => _projectorHiddenDim ?? (IsSmall ? 256 : 2048);
        init => _projectorHiddenDim = value;
    }

    public int ProjectorOutDim
    {
        get => _projectorOutDim ?? (IsSmall ? 128 : 256);
        init => _projectorOutDim = value;
    }

    /// <summary>Linear layers in the projector (1 = a single Linear, no hidden layer).</summary>
    public int ProjectorLayers
    {
        get => _projectorLayers ?? (IsSmall ? 2 : 3);
        init => _projectorLayers = value;
    }

    /// <summary>Learned prototype rows after the projector (SwAV's K); 0 for none. Set from the
    /// run's objective (<c>TrainingConfig.Model</c>), not by hand.</summary>
    public int Prototypes { get; init; }

    private bool IsSmall => Architecture == EncoderArchitecture.SmallResNet;

    /// <summary>Small net on 28×28 grayscale images.</summary>
    public static EncoderOptions ForFashionMnist() => new()
    {
        Architecture = EncoderArchitecture.SmallResNet,
        InChannels = 1,
        Width = DefaultSmallWidth,
    };

    /// <summary>A ResNet on RGB images with the 2048/256, 3-layer projector.</summary>
    public static EncoderOptions ForImageNet(EncoderArchitecture architecture = EncoderArchitecture.ResNet50)
    {
        if (architecture == EncoderArchitecture.SmallResNet)
            throw new ArgumentException(
                "ForImageNet takes ResNet18 or ResNet50; use ForFashionMnist() or set Architecture for SmallResNet.",
                nameof(architecture));
        return new() { Architecture = architecture, InChannels = 3 };
    }

    /// <summary>One message per problem, each naming the key and how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Architecture))
            problems.Add($"Architecture is {(int)Architecture}; use one of {string.Join(", ", Enum.GetNames<EncoderArchitecture>())}.");
        if (InChannels is not (1 or 3))
            problems.Add($"InChannels is {InChannels}; use 1 for grayscale or 3 for RGB images.");
        if (Width < 1)
            problems.Add($"Width is {Width}; use a positive base width for SmallResNet (default {DefaultSmallWidth}).");
        if (SmallBlocksPerStage < 1)
            problems.Add($"SmallBlocksPerStage is {SmallBlocksPerStage}; use 1 (default, fastest) or more blocks per SmallResNet stage.");
        if (!Enum.IsDefined(ProjectorNorm))
            problems.Add($"ProjectorNorm is {(int)ProjectorNorm}; use Batch (default, avoids collapse) or Group (LayerNorm, batch-independent).");
        if (!Enum.IsDefined(Norm))
            problems.Add($"Norm is {(int)Norm}; use Group (batch-independent, required for slot equivalence) or Batch.");
        if (ProjectorHiddenDim < 1)
            problems.Add($"ProjectorHiddenDim is {ProjectorHiddenDim}; use a positive size (default 256 small / 2048 ResNet).");
        if (ProjectorOutDim < 1)
            problems.Add($"ProjectorOutDim is {ProjectorOutDim}; use a positive size (default 128 small / 256 ResNet).");
        if (ProjectorLayers < 1)
            problems.Add($"ProjectorLayers is {ProjectorLayers}; use 1 or more (default 2 small / 3 ResNet).");
        if (Prototypes < 0)
            problems.Add($"Prototypes is {Prototypes}; use 0 (no prototype layer) or the objective's prototype count.");
        return problems;
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem of <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid encoder options:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }
}
