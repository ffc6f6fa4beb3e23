using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>
/// Whether a memory bank read or stage may enter the bank. Pure, like <see cref="DrawRules"/>, and
/// applied both by the pool (before it routes, so shards never disagree about a message) and by
/// each bank shard (for a message that reaches it some other way).
/// </summary>
/// <remarks>
/// The bank learns generations and steps from the messages themselves: the newest stamp it has
/// taken is news, an older one is over. Checked in order: another run → WrongRun; a step at or
/// before <c>floor</c> (the step a restored checkpoint was taken after) → StaleStep; a generation
/// older than the newest taken → StaleGeneration (a slot declared dead that came back, or an
/// aborted attempt's late write, must not overwrite the retry's); a step before the newest taken
/// → StaleStep (its update would land after a later step's reads). The same step under the same
/// or a newer generation is taken: a repeat, or the retry of an aborted attempt.
/// </remarks>
internal static class MemoryStampRules
{
    /// <param name="runId">The bank's run id.</param>
    /// <param name="newest">The newest stamp the bank has taken; null before any (or since a restore).</param>
    /// <param name="floor">The last step that is over for certain: -1 for a new bank, a restored checkpoint's step.</param>
    /// <param name="incoming">The message's stamp.</param>
    public static RefusalReason? Judge(string runId, StepStamp? newest, long floor, StepStamp incoming)
    {
        if (!string.Equals(runId, incoming.RunId, StringComparison.Ordinal)) return RefusalReason.WrongRun;
        if (incoming.Step <= floor) return RefusalReason.StaleStep;
        if (newest is not { } seen) return null;
        if (incoming.Generation < seen.Generation) return RefusalReason.StaleGeneration;
        if (incoming.Step < seen.Step) return RefusalReason.StaleStep;
        return null;
    }
}
