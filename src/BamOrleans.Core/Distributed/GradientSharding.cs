namespace BamOrleans.Core.Distributed;

/// <summary>
/// How a flattened parameter gradient is cut into slices for the sharded average: at least one
/// slice per slot, so the averaging work and traffic spread as slots are added, and none over a
/// size cap, so no message nears the transport's limit (Orleans refuses bodies over 100 MB; a
/// ResNet-50's gradient alone is ~100 MB in float32).
/// </summary>
public static class GradientSharding
{
    /// <summary>Default cap: 4 Mi floats = 16 MiB per slice, well under 100 MB with headroom for
    /// the serializer.</summary>
    public const int DefaultMaxSliceLength = 4 << 20;

    /// <summary>Contiguous slices (offset, length) covering [0, <paramref name="totalLength"/>),
    /// equal to within one element. Every slot computes the same plan from the same inputs.</summary>
    public static IReadOnlyList<(long Offset, int Length)> Plan(long totalLength, int slots, int maxSliceLength = DefaultMaxSliceLength)
    {
        if (totalLength < 1)
            throw new ArgumentOutOfRangeException(nameof(totalLength), totalLength, "totalLength must be ≥ 1: the model has no gradient to average.");
        ProtocolGuards.RequireSlotCount(slots);
        if (maxSliceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxSliceLength), maxSliceLength, "maxSliceLength must be ≥ 1.");
        var bySize = (totalLength + maxSliceLength - 1) / maxSliceLength;
        var count = Math.Max(bySize, Math.Min(slots, totalLength));
        var slices = new (long, int)[count];
        long offset = 0;
        for (long i = 0; i < count; i++)
        {
            var length = (int)(totalLength / count + (i < totalLength % count ? 1 : 0));
            slices[i] = (offset, length);
            offset += length;
        }
        return slices;
    }
}
