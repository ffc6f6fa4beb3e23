namespace BamOrleans.Grains.Steps;

/// <summary>
/// Thrown by a step function of <see cref="StampedGather{TIn, TOut}"/> when the step can no longer
/// complete consistently (e.g. the data pool refused its memory read as stale: the run moved to a
/// newer generation). The round is abandoned — its waiters are answered Superseded and re-read the
/// run — rather than failed, which would stop the slots.
/// </summary>
internal sealed class StepAbandonedException(string reason) : Exception(reason);
