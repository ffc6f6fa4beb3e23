using static TorchSharp.torch;

namespace BamOrleans.Grains.Training;

/// <summary>Tensors to and from <see cref="TensorBlock"/>, the float32 wire form.</summary>
public static class TensorWire
{
    /// <summary>A copy of <paramref name="tensor"/>'s elements (any float dtype, any device) as float32.</summary>
    public static TensorBlock ToBlock(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous().reshape(-1);
        return new TensorBlock(tensor.shape.ToArray(), flat.data<float>().ToArray());
    }

    /// <summary>A new float32 CPU tensor holding the block's elements; checks the block first.</summary>
    public static Tensor ToTensor(TensorBlock block, string what)
    {
        ArgumentNullException.ThrowIfNull(block, what);
        block.RequireConsistent(what);
        return tensor(block.Data, block.Shape, ScalarType.Float32);
    }
}
