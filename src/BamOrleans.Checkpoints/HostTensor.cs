namespace BamOrleans.Checkpoints;

/// <summary>
/// A tensor copied to managed memory: its name, element type, shape and raw little-endian bytes
/// in row-major (contiguous) order. What a snapshot holds and what a tensor file stores, so a
/// checkpoint never keeps a native tensor alive after the copy.
/// </summary>
/// <param name="Name">The state-dict or optimizer-state name ("backbone.stem.weight", "step").</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a 0-d scalar.</param>
/// <param name="Data">Exactly <see cref="ElementCount"/> × element size bytes.</param>
public sealed record HostTensor(string Name, TensorDType DType, long[] Shape, byte[] Data)
{
    /// <summary>Product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => ElementCountOf(Shape);

    /// <summary>"[3, 3, 16]" for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    internal static long ElementCountOf(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        return count;
    }

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
