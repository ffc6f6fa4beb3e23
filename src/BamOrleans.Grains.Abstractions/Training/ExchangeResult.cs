using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>How a call into a step exchange (aggregator, gradient shard) ended.</summary>
public enum ExchangeStatus
{
    /// <summary>Every slot of the step contributed; <see cref="ExchangeResult{T}.Value"/> holds this slot's answer.</summary>
    Completed,

    /// <summary>The message was stale or foreign and was not mixed in; see <see cref="ExchangeResult{T}.Refused"/>.</summary>
    Refused,

    /// <summary>A message of a newer step or generation arrived before this step completed: the
    /// step was abandoned; re-read the run's position and redo it.</summary>
    Superseded,

    /// <summary>Not every slot arrived within the wait; the contribution is kept, so calling again
    /// with the same stamp waits again without sending twice.</summary>
    TimedOut,
}

/// <summary>The answer of a step exchange to one slot.</summary>
[GenerateSerializer, Immutable, Alias("bam.ExchangeResult`1")]
public sealed record ExchangeResult<T>(
    [property: Id(0)] ExchangeStatus Status,
    [property: Id(1)] RefusalReason? Refused,
    [property: Id(2)] T? Value)
{
    public static ExchangeResult<T> Done(T value) => new(ExchangeStatus.Completed, null, value);

    public static ExchangeResult<T> Refuse(RefusalReason reason) => new(ExchangeStatus.Refused, reason, default);

    public static ExchangeResult<T> Abandoned { get; } = new(ExchangeStatus.Superseded, null, default);

    public static ExchangeResult<T> NotYet { get; } = new(ExchangeStatus.TimedOut, null, default);
}
