namespace BamOrleans.Grains.Training;

/// <summary>A model's named parameters and buffers at a step boundary (its state dict).</summary>
/// <remarks>One message: fine for the encoders trained here (a few MB); a model near Orleans'
/// 100 MB message limit goes through checkpoints in blob storage instead.</remarks>
[GenerateSerializer, Immutable, Alias("bam.ModelSnapshot")]
public sealed record ModelSnapshot(
    [property: Id(0)] long Step,
    [property: Id(1)] IReadOnlyDictionary<string, TensorBlock> Tensors);
