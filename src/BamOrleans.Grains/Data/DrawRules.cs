using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Data;

/// <summary>What the pool does with a draw.</summary>
internal enum DrawAction
{
    /// <summary>Refuse and count it; change nothing.</summary>
    Refuse = 1,

    /// <summary>Same generation and step as the open attempt: answer from its plan.</summary>
    Repeat = 2,

    /// <summary>Plan the step from the committed ledger: the first step, or a redo under a newer generation.</summary>
    Plan = 3,

    /// <summary>The next step: commit the open attempt, then plan from its end.</summary>
    CommitThenPlan = 4,
}

/// <summary>Judgement of one draw by <see cref="DrawRules"/>.</summary>
internal readonly record struct DrawDecision(DrawAction Action, RefusalReason? Refusal = null)
{
    public static DrawDecision Refuse(RefusalReason reason) => new(DrawAction.Refuse, reason);
}

/// <summary>
/// Decides what a draw's stamp means to the pool. Pure, like <see cref="StaleMessagePolicy"/>, whose
/// reasons it reuses; the difference is that the pool learns generations from the draws themselves
/// (it does not hold the roster), so a newer generation is news, not an error.
/// </summary>
/// <remarks>
/// Checked in order: another run → WrongRun; with no open attempt only the step after the last
/// committed one may be planned (step 0 for a new run; a later one → FutureStep, the pool would
/// otherwise hand out an epoch's start twice); a generation older
/// than the open attempt's → StaleGeneration; a step before the open one → StaleStep (it is
/// committed, or superseded); the open step → Repeat (same generation) or Plan (newer: a redo); the
/// step after → CommitThenPlan; further ahead → FutureStep (skipping a step would hand its samples
/// to the next one).
/// </remarks>
internal static class DrawRules
{
    /// <param name="runId">The pool's run id.</param>
    /// <param name="open">The stamp of the open (planned, not yet committed) attempt; null before the first draw.</param>
    /// <param name="incoming">The draw's stamp.</param>
    /// <param name="committedStep">With no open attempt, the last committed step (−1 for a new run;
    /// a restored pool's checkpoint step): only the step after it may be planned.</param>
    public static DrawDecision Judge(string runId, StepStamp? open, StepStamp incoming, long committedStep = -1)
    {
        if (!string.Equals(runId, incoming.RunId, StringComparison.Ordinal))
            return DrawDecision.Refuse(RefusalReason.WrongRun);
        if (open is not { } current)
            return incoming.Step == committedStep + 1 ? new DrawDecision(DrawAction.Plan)
                : DrawDecision.Refuse(incoming.Step <= committedStep ? RefusalReason.StaleStep : RefusalReason.FutureStep);
        if (incoming.Generation < current.Generation)
            return DrawDecision.Refuse(RefusalReason.StaleGeneration);
        if (incoming.Step < current.Step)
            return DrawDecision.Refuse(RefusalReason.StaleStep);
        if (incoming.Step == current.Step)
            return new DrawDecision(incoming.Generation == current.Generation ? DrawAction.Repeat : DrawAction.Plan);
        if (incoming.Step == current.Step + 1)
            return new DrawDecision(DrawAction.CommitThenPlan);
        return DrawDecision.Refuse(RefusalReason.FutureStep);
    }
}
