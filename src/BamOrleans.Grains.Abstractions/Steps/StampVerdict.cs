namespace BamOrleans.Grains.Steps;

/// <summary>Accept, or refuse with a reason: the outcome of <see cref="StaleMessagePolicy"/>.</summary>
public readonly record struct StampVerdict(RefusalReason? Refusal)
{
    public static StampVerdict Accept { get; } = new(null);

    public static StampVerdict Refuse(RefusalReason reason) => new(reason);

    public bool IsAccepted => Refusal is null;
}
