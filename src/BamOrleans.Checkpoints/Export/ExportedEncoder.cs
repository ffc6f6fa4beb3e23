using BamOrleans.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints.Export;

/// <summary>A verified encoder file in managed memory: its metadata and tensors, ready to become an
/// <see cref="Encoder"/>.</summary>
public sealed class ExportedEncoder
{
    internal ExportedEncoder(string source, EncoderFileMetadata metadata, IReadOnlyList<HostTensor> tensors)
    {
        Source = source;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    public EncoderFileMetadata Metadata { get; }

    /// <summary>The stored tensors, in the order of their data.</summary>
    public IReadOnlyList<HostTensor> Tensors { get; }

    /// <summary>
    /// Builds the encoder the metadata describes (<see cref="Encoder.Create"/> with the stored
    /// options and seed) and copies every tensor into it, in eval mode. The caller owns (disposes)
    /// the result.
    /// </summary>
    /// <exception cref="EncoderFileException">The tensors are not exactly that encoder's state dict
    /// (a name missing or extra, a shape or dtype different); nothing is returned.</exception>
    public Encoder CreateEncoder(Device? device = null)
    {
        var encoder = Encoder.Create(Metadata.Encoder, Metadata.Seed);
        try
        {
            var problems = EncoderStateCheck.Problems(encoder, Tensors).ToList();
            if (encoder.FeatureDim != Metadata.FeatureDim)
                problems.Add($"metadata says feature dimension {Metadata.FeatureDim} but the encoder's is {encoder.FeatureDim}");
            if (problems.Count > 0)
                throw new EncoderFileException(Source,
                    $"its tensors do not fit encoder {Metadata.Encoder.Architecture} built from its own options: {string.Join("; ", problems)}");
            var byName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                // Field aliases are the same tensors as their canonical names: copied with them.
                foreach (var (name, target) in encoder.state_dict())
                    if (byName.TryGetValue(name, out var stored))
                        target.copy_(HostCopy.ToTensor(stored));
            }
            if (device is not null && device.type != DeviceType.CPU)
                encoder.to(device);
            encoder.eval();
            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }
}
