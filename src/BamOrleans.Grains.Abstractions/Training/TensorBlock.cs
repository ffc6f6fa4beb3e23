namespace BamOrleans.Grains.Training;

/// <summary>
/// A float32 tensor on the wire: its shape and its elements in row-major order. The grain layer
/// moves these without looking inside; the math on either end turns them back into tensors.
/// </summary>
/// <remarks>
/// <see cref="ImmutableAttribute"/>: between grains of one silo the arrays are passed by reference,
/// not copied, so a sender must not write to them after sending. float32 because that is what the
/// encoder trains in; the protocol's float64 path is proven in the core library's tests.
/// </remarks>
[GenerateSerializer, Immutable, Alias("bam.TensorBlock")]
public sealed record TensorBlock(
    [property: Id(0)] long[] Shape,
    [property: Id(1)] float[] Data)
{
    /// <summary>Bytes of element data (the shape adds a few bytes, not counted).</summary>
    public long Bytes => Data.LongLength * sizeof(float);

    /// <summary>Throws unless the elements fill the shape exactly: a truncated or mislabelled block
    /// must never reach the math, which would read past it or mis-shape it.</summary>
    public void RequireConsistent(string what)
    {
        ArgumentNullException.ThrowIfNull(Shape, what);
        ArgumentNullException.ThrowIfNull(Data, what);
        long count = 1;
        foreach (var d in Shape)
        {
            if (d < 0) throw new ArgumentException($"{what} has a negative dimension in shape [{string.Join(", ", Shape)}]: the sender built a malformed block.", what);
            count *= d;
        }
        if (count != Data.LongLength)
            throw new ArgumentException(
                $"{what} has shape [{string.Join(", ", Shape)}] ({count} elements) but carries {Data.LongLength}: the block was truncated or mislabelled; resend it.", what);
    }
}
