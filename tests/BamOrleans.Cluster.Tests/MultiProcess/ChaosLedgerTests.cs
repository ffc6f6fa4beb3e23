using BamOrleans.Grains.Training;
using BamOrleans.Tests.Shared.Chaos;

namespace BamOrleans.Cluster.Tests.MultiProcess;

/// <summary>
/// The chaos test's ledger rules on made-up histories: a clean churned run passes, and each kind of
/// fault they exist to catch is caught (a sample twice in an epoch, a stale slice, a slot's record
/// missing with no loss to explain it, replicas disagreeing, a step never completed).
/// </summary>
public sealed class ChaosLedgerTests
{
    private const int DatasetSize = 24;
    private const int Batch = 6;

    /// <summary>8 steps of 6 samples = 2 epochs of 24; 3 slots in generation 1 until a loss at
    /// step 3, redone from step 2 with 2 slots in generation 2.</summary>
    private static StepLedger Churned(Func<long, long, int, int[], int[]>? tamper = null)
    {
        var ledger = new StepLedger();
        void Step(long step, long generation, int slots, int[] stepSamples)
        {
            var per = Batch / slots;
            for (var w = 0; w < slots; w++)
            {
                var own = stepSamples[(w * per)..((w + 1) * per)];
                own = tamper?.Invoke(step, generation, w, own) ?? own;
                ledger.Add($"g{generation}-slot{w}", [Record(step, generation, (int)(step / 4), w, slots, own, stepSamples)]);
            }
        }
        int[] Samples(long step) => Enumerable.Range(0, Batch).Select(i => (int)(step % 4 * Batch + (i * 7 + step) % Batch)).ToArray();
        for (long s = 0; s < 4; s++) Step(s, 1, 3, Samples(s));      // steps 0–3, generation 1 (3 and 2 later superseded)
        for (long s = 2; s < 8; s++) Step(s, 2, 2, Samples(s));      // rolled back to 2, generation 2
        return ledger;
    }

    private static SlotStepRecord Record(long step, long generation, int epoch, int slot, int slots, int[] own, int[] all) =>
        new(step, generation, epoch, slot, slots, Loss: 1.0 + step, LossShare: 0, Skipped: false, own,
            new StepPhases(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), LearningRate: 0.1, new StepTraffic(0, 0, 0, 0, 0, 0, 0), all);

    private static IReadOnlyList<string> Check(StepLedger ledger, IReadOnlyCollection<LostSlot>? lost = null) =>
        LedgerChecks.Problems(ledger, targetSteps: 8, DatasetSize, Batch, lost ?? []);

    [Fact]
    public void A_clean_churned_run_passes_and_its_lineage_takes_the_newest_generation()
    {
        var ledger = Churned();
        Assert.Empty(Check(ledger));
        var lineage = ledger.FinalLineage();
        Assert.Equal([1L, 1, 2, 2, 2, 2, 2, 2], lineage.Select(s => s.Generation));
        Assert.Equal(2, lineage.Sum(s => s.SupersededGenerations));
        Assert.Equal(2, ledger.FirstStepBetween(1, 2));
        Assert.Equal(4, ledger.CompletedThrough(1));
    }

    [Fact]
    public void A_sample_consumed_twice_in_an_epoch_is_caught()
    {
        var ledger = Churned();
        // Step 5 (epoch 1) takes step 4's samples again, consistently on every slot.
        var again = ledger.FinalLineage().Single(s => s.Step == 4).First.StepSamples;
        ledger.Add("g3-slot0", [Record(5, 3, 1, 0, 1, again, again)]);
        Assert.Contains(Check(ledger), p => p.Contains("more than once"));
    }

    [Fact]
    public void A_slot_whose_samples_are_not_its_slice_is_a_stale_message()
    {
        var ledger = Churned((step, generation, slot, own) => step == 6 && slot == 1 ? own.Reverse().ToArray() : own);
        Assert.Contains(Check(ledger), p => p.Contains("not slice 1"));
    }

    [Fact]
    public void A_missing_record_is_excused_only_by_a_lost_slot_not_yet_read()
    {
        var ledger = new StepLedger();
        var samples = Enumerable.Range(0, Batch).ToArray();
        // Step 0 complete on both slots; step 1 only on slot 0: slot 1 died before its record was read.
        ledger.Add("a", [Record(0, 1, 0, 0, 2, samples[..3], samples)]);
        ledger.Add("b", [Record(0, 1, 0, 1, 2, samples[3..], samples)]);
        var next = samples.Select(x => x + Batch).ToArray();
        ledger.Add("a", [Record(1, 1, 0, 0, 2, next[..3], next)]);
        Assert.Contains(Check(ledger), p => p.Contains("1 of 2 slots reported"));
        Assert.DoesNotContain(Check(ledger, [new LostSlot("b", CompletedAtLoss: 2)]), p => p.Contains("slots reported"));
        // Lost before step 1 completed: it cannot excuse it.
        Assert.Contains(Check(ledger, [new LostSlot("b", CompletedAtLoss: 1)]), p => p.Contains("1 of 2 slots reported"));
    }

    [Fact]
    public void Slots_disagreeing_on_a_step_and_steps_never_completed_are_caught()
    {
        var ledger = Churned();
        var lineage = ledger.FinalLineage();
        var step = lineage.Single(s => s.Step == 7);
        var other = step.First.StepSamples.Reverse().ToArray();
        ledger.Add("intruder", [Record(7, 2, 1, 1, 2, other[3..], other)]);
        Assert.Contains(Check(ledger), p => p.Contains("other samples than slot 0"));

        var short_ = new StepLedger();
        foreach (var s in lineage.Where(s => s.Step != 5))
            foreach (var e in s.Records) short_.Add(e.SlotKey, [e.Record]);
        Assert.Contains(Check(short_), p => p.Contains("no record of steps 5"));
    }

    [Fact]
    public void A_step_missing_is_excused_only_when_every_witness_died_unread()
    {
        var ledger = Churned();
        var gap = new StepLedger();
        foreach (var s in ledger.FinalLineage().Where(s => s.Step != 6))
            foreach (var e in s.Records) gap.Add(e.SlotKey, [e.Record]);
        Assert.Contains(Check(gap), p => p.Contains("no record of steps 6"));
        // Step 6 of epoch 1 (steps 4–7): its 6 samples are the epoch's only unseen ones.
        Assert.Empty(LedgerChecks.Problems(gap, 8, DatasetSize, Batch, [], unwitnessed: [6]));
        // Excusing a step that is there, or another one, does not hide the real gap.
        Assert.NotEmpty(LedgerChecks.Problems(gap, 8, DatasetSize, Batch, [], unwitnessed: [5]));
    }
}
