using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// Backbone + projector. <see cref="forward"/> returns the projector output [B, OutputDim]
/// (not normalised; the BAM loss normalises); <see cref="Features"/> returns the pooled
/// backbone features [B, FeatureDim] used by the k-NN and linear-probe evaluations.
/// Parameter names are "backbone.…" and "projector.layers.…", matching the PyTorch twin
/// (tools/reference/encoder_reference.py).
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly Backbone _backbone;
    private readonly ProjectorHead _projector;

    private TorchSharp.Modules.Linear? _prototypes;

    private Encoder(EncoderOptions options, Backbone backbone, ProjectorHead projector) : base(nameof(Encoder))
    {
        Options = options;
        _backbone = backbone;
        _projector = projector;
        register_module("backbone", _backbone);
        register_module("projector", _projector);
    }

    /// <summary>The prototype rows (K × OutputDim) an objective such as SwAV learns, or null when
    /// <see cref="EncoderOptions.Prototypes"/> is 0. Not used by <see cref="forward"/>.</summary>
    public Tensor? Prototypes => _prototypes?.weight;

    public EncoderOptions Options { get; }

    /// <summary>Width of <see cref="Features"/>: 4·Width (small), 512 (ResNet18), 2048 (ResNet50).</summary>
    public int FeatureDim => _backbone.FeatureDim;

    /// <summary>Width of the projector output.</summary>
    public int OutputDim => _projector.OutputDim;

    /// <summary>Number of scalar parameters (trainable or not), for comparison with the PyTorch twin.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Builds an encoder and initialises it deterministically from <paramref name="seed"/>
    /// (see <see cref="WeightInitializer"/>), then moves it to <paramref name="device"/> if given.
    /// </summary>
    public static Encoder Create(EncoderOptions options, long seed, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        Backbone backbone = options.Architecture == EncoderArchitecture.SmallResNet
            ? new SmallResNet(options.InChannels, options.Width, options.Norm, options.SmallBlocksPerStage)
            : new ResNet(options.Architecture, options.InChannels, options.Norm);
        var projector = new ProjectorHead(
            backbone.FeatureDim, options.ProjectorHiddenDim, options.ProjectorOutDim, options.ProjectorLayers, options.ProjectorNorm);
        var encoder = new Encoder(options, backbone, projector);
        WeightInitializer.Initialize(encoder, seed);
        if (options.Prototypes > 0) encoder.AddPrototypes(options.Prototypes, seed);
        if (device is not null && device.type != DeviceType.CPU)
            encoder.to(device);
        return encoder;
    }

    /// <summary>
    /// Adds and initialises the prototype layer once the rest is initialised: the initializer walks
    /// the modules with one generator, so a layer present during that walk would change every
    /// draw, and an objective with prototypes would start from another backbone than one without.
    /// Registered last, so encoders without prototypes keep their parameter order.
    /// </summary>
    private void AddPrototypes(int count, long seed)
    {
        _prototypes = nn.Linear(_projector.OutputDim, count, hasBias: false);
        // Drawn like every other linear layer (truncated normal, std 0.02) from its own seeded
        // generator: the walk over named_modules would not visit a bare layer itself.
        using (var generator = new Generator(unchecked((ulong)seed)))
        using (no_grad())
            WeightInitializer.TruncatedNormal(_prototypes.weight!, WeightInitializer.LinearStd, -2, 2, generator);
        register_module("prototypes", _prototypes);
    }

    /// <summary>Pooled backbone features [B, FeatureDim].</summary>
    public Tensor Features(Tensor images) => _backbone.forward(images);

    /// <summary>Projector output [B, OutputDim].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return _projector.forward(_backbone.forward(images)).MoveToOuterDisposeScope();
    }
}
