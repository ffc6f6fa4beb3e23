namespace BamOrleans.Grains.Steps;

/// <summary>
/// The one place that decides whether a step message may enter a step. Pure and stateless, so the
/// run grain, future slot grains and the tests all apply the same rules.
/// </summary>
/// <remarks>
/// Rules are checked in a fixed order so that the reported reason is the most telling one: a slot
/// declared dead that came back is unregistered AND stamped with an old generation, and must be
/// reported as <see cref="RefusalReason.StaleGeneration"/>, not as an unknown slot.
/// <list type="number">
/// <item>another run → <see cref="RefusalReason.WrongRun"/>;</item>
/// <item>generation older / newer than the current one → <see cref="RefusalReason.StaleGeneration"/> / <see cref="RefusalReason.FutureGeneration"/>;</item>
/// <item>step older / newer than the open step → <see cref="RefusalReason.StaleStep"/> / <see cref="RefusalReason.FutureStep"/>;</item>
/// <item>run not running → <see cref="RefusalReason.NotRunning"/>;</item>
/// <item>slot not registered in this generation → <see cref="RefusalReason.UnknownSlot"/>;</item>
/// <item>slot already reported this step → <see cref="RefusalReason.Duplicate"/>.</item>
/// </list>
/// </remarks>
public static class StaleMessagePolicy
{
    /// <summary>Judges only the stamp against the receiver's open position (rules 1–3).</summary>
    /// <param name="current">The receiver's run id, current generation and open step.</param>
    /// <param name="incoming">The stamp the message carries.</param>
    public static StampVerdict JudgeStamp(StepStamp current, StepStamp incoming)
    {
        if (!string.Equals(current.RunId, incoming.RunId, StringComparison.Ordinal))
            return StampVerdict.Refuse(RefusalReason.WrongRun);
        if (incoming.Generation < current.Generation)
            return StampVerdict.Refuse(RefusalReason.StaleGeneration);
        if (incoming.Generation > current.Generation)
            return StampVerdict.Refuse(RefusalReason.FutureGeneration);
        if (incoming.Step < current.Step)
            return StampVerdict.Refuse(RefusalReason.StaleStep);
        if (incoming.Step > current.Step)
            return StampVerdict.Refuse(RefusalReason.FutureStep);
        return StampVerdict.Accept;
    }

    /// <summary>Judges a slot's step submission (all rules, in order).</summary>
    /// <param name="current">The receiver's run id, current generation and open step.</param>
    /// <param name="incoming">The stamp the submission carries.</param>
    /// <param name="isRunning">Whether the run takes step messages now.</param>
    /// <param name="isRegistered">Whether the sending slot belongs to the current generation.</param>
    /// <param name="hasReported">Whether the sending slot already reported for the open step.</param>
    public static StampVerdict JudgeSubmission(
        StepStamp current, StepStamp incoming, bool isRunning, bool isRegistered, bool hasReported)
    {
        var stamp = JudgeStamp(current, incoming);
        if (!stamp.IsAccepted) return stamp;
        if (!isRunning) return StampVerdict.Refuse(RefusalReason.NotRunning);
        if (!isRegistered) return StampVerdict.Refuse(RefusalReason.UnknownSlot);
        if (hasReported) return StampVerdict.Refuse(RefusalReason.Duplicate);
        return StampVerdict.Accept;
    }
}
