using BamOrleans.Core.Models;
using BamOrleans.Grains.Training;
using static TorchSharp.torch;

namespace BamOrleans.Client;

/// <summary>Puts a slot's exported model into a local encoder of the same architecture.</summary>
public static class ModelSnapshotLoader
{
    public static Encoder ToEncoder(ModelSnapshot snapshot, EncoderOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var encoder = Encoder.Create(options, seed);
        try
        {
            var state = encoder.state_dict();
            var missing = state.Keys.Except(snapshot.Tensors.Keys).ToList();
            var extra = snapshot.Tensors.Keys.Except(state.Keys).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new InvalidDataException(
                    $"the exported model does not match encoder {options.Architecture}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}]; evaluate with the run's own encoder options.");
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (name, target) in state)
            {
                var source = TensorWire.ToTensor(snapshot.Tensors[name], name);
                if (!source.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"exported tensor {name} has shape [{string.Join(", ", source.shape)}] but the encoder's is [{string.Join(", ", target.shape)}].");
                target.copy_(source.to_type(target.dtype));
            }
            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }
}
