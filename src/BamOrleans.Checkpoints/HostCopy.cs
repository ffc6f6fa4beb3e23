using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Moves tensor bytes between libtorch and managed arrays with one memcpy each way. This is the
/// part of a checkpoint that training waits for, so it does nothing else: no hashing, no
/// serialization, no per-element conversion.
/// </summary>
internal static class HostCopy
{
    /// <summary>Copies <paramref name="tensor"/> (any device, any layout) to a <see cref="HostTensor"/>.</summary>
    public static HostTensor ToHost(string name, Tensor tensor)
    {
        var dtype = TensorDTypes.FromScalarType(tensor.dtype, name);
        var shape = tensor.shape;
        var bytes = ByteLength(name, HostTensor.ElementCountOf(shape), dtype);
        var data = new byte[bytes];
        if (bytes == 0) return new HostTensor(name, dtype, shape, data);
        // A CPU contiguous tensor (the usual case) is copied straight from its storage, with no
        // intermediate tensor; anything else goes through one contiguous CPU copy first.
        if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
        {
            tensor.bytes.CopyTo(data);
            return new HostTensor(name, dtype, shape, data);
        }
        using var scope = NewDisposeScope();
        var source = tensor.detach();
        if (source.device_type != DeviceType.CPU) source = source.cpu();
        if (!source.is_contiguous()) source = source.contiguous();
        source.bytes.CopyTo(data);
        return new HostTensor(name, dtype, shape, data);
    }

    /// <summary>A new CPU tensor holding <paramref name="host"/>'s bytes (in the caller's dispose scope).</summary>
    public static Tensor ToTensor(HostTensor host)
    {
        var tensor = empty(host.Shape, host.DType.ToScalarType());
        if (host.Data.Length > 0) host.Data.CopyTo(tensor.bytes);
        return tensor;
    }

    private static int ByteLength(string name, long elements, TensorDType dtype)
    {
        var bytes = elements * dtype.ElementSize();
        if (bytes > Array.MaxLength)
            throw new NotSupportedException(
                $"tensor '{name}' is {bytes} bytes; a checkpoint entry holds at most {Array.MaxLength} bytes (one managed array): split the tensor or shard the model.");
        return (int)bytes;
    }
}
