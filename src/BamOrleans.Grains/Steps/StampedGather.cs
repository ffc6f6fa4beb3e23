using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;

namespace BamOrleans.Grains.Steps;

/// <summary>
/// The all-to-one-to-all exchange of one step: each of the W slots contributes a value under the
/// step's stamp and waits; when all W are in, one function turns them (in slot order) into W
/// answers and every waiting call gets its own. Used inside a reentrant grain, whose turns never
/// overlap, so the state needs no locks.
/// </summary>
/// <remarks>
/// Stamp rules (the grain has no run roster, so "current" is the newest stamp it has seen):
/// <list type="bullet">
/// <item>another run → refused (<see cref="RefusalReason.WrongRun"/>);</item>
/// <item>newer generation, or same generation and later step → opens that step; the open one is
/// abandoned and its waiters answered <see cref="ExchangeStatus.Superseded"/>;</item>
/// <item>older generation / earlier step → refused (<see cref="RefusalReason.StaleGeneration"/> /
/// <see cref="RefusalReason.StaleStep"/>), counted, never mixed in — except a retry of the step
/// that just completed, which gets its answer again;</item>
/// <item>a slot that already contributed to the open step waits again (a retry after a time-out);
/// its first value stands.</item>
/// </list>
/// <para>The step function may be asynchronous (it may call other grains, e.g. to read per-image
/// memory): while it runs the round stays open, so a retry of the same stamp waits for it and a
/// newer stamp abandons it as usual.</para>
/// </remarks>
internal sealed class StampedGather<TIn, TOut>(string runId, Func<StepStamp, TIn[], Task<TOut[]>> complete)
{
    public StampedGather(string runId, Func<StepStamp, TIn[], TOut[]> complete)
        : this(runId, (stamp, values) => Task.FromResult(complete(stamp, values)))
    {
    }

    private readonly RefusalCounter _refusals = new();
    private Round? _open;
    private Round? _lastCompleted;

    public StepStamp? LastCompleted => _lastCompleted?.Stamp;

    public long CompletedSteps { get; private set; }

    public IReadOnlyDictionary<RefusalReason, long> Refusals => _refusals.Snapshot();

    /// <summary>Adds slot <paramref name="slot"/>'s value to the step named by
    /// <paramref name="stamp"/> and waits (at most <paramref name="wait"/>) for the step to complete.</summary>
    public async Task<ExchangeResult<TOut>> Contribute(StepStamp stamp, int slot, int slotCount, TIn value, TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotCount, 1);
        if (slot < 0 || slot >= slotCount)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot index must be in [0, {slotCount - 1}] for W = {slotCount}: pass the slot's position in the generation's slot list.");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero);

        if (!string.Equals(stamp.RunId, runId, StringComparison.Ordinal))
            return Refuse(RefusalReason.WrongRun);
        if (_lastCompleted is { } done && done.Stamp == stamp)
            return ExchangeResult<TOut>.Done(done.AnswerFor(slot, slotCount));

        var reference = _open?.Stamp ?? _lastCompleted?.Stamp;
        if (reference is { } current && Compare(stamp, current) < 0)
            return Refuse(stamp.Generation < current.Generation ? RefusalReason.StaleGeneration : RefusalReason.StaleStep);

        if (_open is null || _open.Stamp != stamp)
        {
            _open?.Abandon();
            _open = new Round(stamp, slotCount);
        }
        var round = _open;
        if (round.SlotCount != slotCount)
            throw new ArgumentException(
                $"Step {stamp} was opened for W = {round.SlotCount} slots but slot {slot} says W = {slotCount}: slots of one generation must agree on the slot list; re-read the run's roster.",
                nameof(slotCount));

        if (round.Add(slot, value))
        {
            try
            {
                if (round.Finish(await complete(stamp, round.Values())))
                {
                    _lastCompleted = round;
                    CompletedSteps++;
                }
            }
            catch (StepAbandonedException)
            {
                round.Abandon();
            }
            catch (Exception e)
            {
                round.Fail(e);
            }
            if (_open == round) _open = null;
        }

        try
        {
            var answers = await round.Completion.WaitAsync(wait);
            return answers is null ? ExchangeResult<TOut>.Abandoned : ExchangeResult<TOut>.Done(answers[slot]);
        }
        catch (TimeoutException)
        {
            return ExchangeResult<TOut>.NotYet;
        }
    }

    private ExchangeResult<TOut> Refuse(RefusalReason reason)
    {
        _refusals.Count(reason);
        return ExchangeResult<TOut>.Refuse(reason);
    }

    /// <summary>Orders stamps of one run: generation first, then step.</summary>
    private static int Compare(StepStamp a, StepStamp b) =>
        a.Generation != b.Generation ? a.Generation.CompareTo(b.Generation) : a.Step.CompareTo(b.Step);

    private sealed class Round(StepStamp stamp, int slotCount)
    {
        private readonly TIn[] _values = new TIn[slotCount];
        private readonly bool[] _arrived = new bool[slotCount];
        private readonly TaskCompletionSource<TOut[]?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public StepStamp Stamp { get; } = stamp;

        public int SlotCount { get; } = slotCount;

        /// <summary>The answers in slot order, or null when the round was abandoned.</summary>
        public Task<TOut[]?> Completion => _completion.Task;

        /// <summary>Adds a value unless the slot already gave one; true when the round is now full.</summary>
        public bool Add(int slot, TIn value)
        {
            if (_arrived[slot]) return false;
            _arrived[slot] = true;
            _values[slot] = value;
            return ++_count == SlotCount;
        }

        /// <summary>A copy of the values in slot order: the step function owns it (it may answer
        /// with it), while the round's own array is cleared once answered.</summary>
        public TIn[] Values() => (TIn[])_values.Clone();

        /// <summary>Answers the round; false when it was abandoned while its answers were computed.</summary>
        public bool Finish(TOut[] answers)
        {
            if (answers.Length != SlotCount)
                throw new InvalidOperationException($"The step function returned {answers.Length} answers for {SlotCount} slots.");
            // The inputs are not needed once answered; drop them so large arrays can be collected.
            Array.Clear(_values);
            return _completion.TrySetResult(answers);
        }

        public void Fail(Exception error)
        {
            Array.Clear(_values);
            _completion.TrySetException(error);
        }

        public void Abandon()
        {
            Array.Clear(_values);
            _completion.TrySetResult(null);
        }

        public TOut AnswerFor(int slot, int slotCount)
        {
            if (slotCount != SlotCount || slot >= SlotCount)
                throw new ArgumentException($"Step {Stamp} completed with W = {SlotCount} slots, not {slotCount}.", nameof(slotCount));
            return Completion.Result![slot];
        }
    }
}
