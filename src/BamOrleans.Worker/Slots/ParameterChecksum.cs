using System.IO.Hashing;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Worker.Slots;

/// <summary>XxHash64 of a model's parameter bytes, in parameter order: replicas that applied the
/// same steps to the same initial weights have the same checksum, bit for bit.</summary>
public static class ParameterChecksum
{
    public static ulong Of(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var hash = new XxHash64();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var p in model.parameters())
        {
            var values = p.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            hash.Append(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return hash.GetCurrentHashAsUInt64();
    }
}
