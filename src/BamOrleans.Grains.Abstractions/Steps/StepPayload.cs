namespace BamOrleans.Grains.Steps;

/// <summary>
/// What one slot contributes to one step: numbers and/or opaque bytes. Grains never interpret
/// these; the training code on both ends gives them meaning (embeddings, gradients, metrics...).
/// </summary>
/// <remarks>
/// Marked <see cref="ImmutableAttribute"/> so a call between grains on the same silo passes the
/// arrays by reference instead of deep-copying them (embeddings and gradients are large). The
/// sender therefore gives up the arrays: it must not write to them after sending.
/// Orleans refuses message bodies over 100 MB by default; payloads that large must be chunked by
/// the caller rather than the limit raised.
/// </remarks>
[GenerateSerializer, Immutable, Alias("bam.StepPayload")]
public sealed record StepPayload(
    [property: Id(0)] float[] Floats,
    [property: Id(1)] byte[] Bytes)
{
    public static StepPayload Empty { get; } = new([], []);

    public static StepPayload FromFloats(float[] values) => new(values, []);

    public static StepPayload FromBytes(byte[] bytes) => new([], bytes);
}
