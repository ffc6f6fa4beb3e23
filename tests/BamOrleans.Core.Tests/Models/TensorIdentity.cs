using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

/// <summary>Bit-for-bit tensor comparison (TorchSharp's Tensor.equal is element-wise).</summary>
internal static class TensorIdentity
{
    public static bool AreIdentical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype)
            return false;
        using var scope = NewDisposeScope();
        return a.detach().eq(b.detach()).all().item<bool>();
    }
}
