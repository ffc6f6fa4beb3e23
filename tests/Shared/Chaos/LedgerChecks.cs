namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>A slot whose silo the driver stopped (SIGKILL, SIGSTOP or SIGTERM), and how far the run had got then.</summary>
/// <param name="SlotKey">The slot.</param>
/// <param name="CompletedAtLoss">Steps the run had completed in the generation the slot was lost in
/// (a step whose barrier the slot had reached may still complete after its death).</param>
/// <param name="EventIndex">The trace event that stopped it.</param>
internal sealed record LostSlot(string SlotKey, long CompletedAtLoss, int EventIndex = -1);

/// <summary>
/// What the ledger of a churned run must show, as a list of problems (empty: all hold), so that
/// the test asserts it and the bench reports it with the same rules.
/// </summary>
internal static class LedgerChecks
{
    /// <param name="ledger">Everything read from the slots.</param>
    /// <param name="targetSteps">Steps the run was planned for.</param>
    /// <param name="datasetSize">Images in the training set; the global batch divides it (no drop-last tail).</param>
    /// <param name="globalBatch">Images per step, whatever the slot count (the batch is re-split, never changed).</param>
    /// <param name="lost">Slots whose silos were stopped: only they may miss a record, see <see cref="Completeness"/>.</param>
    /// <param name="unwitnessed">Steps completed by silos that all died before the ledger could read
    /// them, and not redone (the run went on from a checkpoint after them): the only steps allowed to
    /// be missing; each counts as one global batch of samples the ledger cannot name.</param>
    public static IReadOnlyList<string> Problems(StepLedger ledger, long targetSteps, int datasetSize, int globalBatch,
        IReadOnlyCollection<LostSlot> lost, IReadOnlyCollection<long>? unwitnessed = null)
    {
        var lineage = ledger.FinalLineage();
        var problems = new List<string>();
        unwitnessed ??= [];
        problems.AddRange(Coverage(lineage, targetSteps, unwitnessed));
        foreach (var step in lineage)
        {
            problems.AddRange(Agreement(step, globalBatch));
            problems.AddRange(NoStaleSamples(step));
            problems.AddRange(Completeness(step, ledger, lost));
        }
        problems.AddRange(EpochsExactlyOnce(lineage, datasetSize, unwitnessed.Select(s => (int)(s / (datasetSize / globalBatch))).ToList(), globalBatch));
        return problems;
    }

    /// <summary>The run reached its target: every step 0 … target − 1 has a final record.</summary>
    public static IEnumerable<string> Coverage(IReadOnlyList<LineageStep> lineage, long targetSteps, IReadOnlyCollection<long>? unwitnessed = null)
    {
        var steps = lineage.Select(s => s.Step).ToHashSet();
        var missing = Enumerable.Range(0, (int)targetSteps).Where(s => !steps.Contains(s) && unwitnessed?.Contains(s) != true).ToList();
        if (missing.Count > 0) yield return $"no record of steps {string.Join(", ", missing)} (target {targetSteps})";
        if (lineage.Count > 0 && lineage[^1].Step >= targetSteps) yield return $"step {lineage[^1].Step} completed beyond the target {targetSteps}";
    }

    /// <summary>Within the final generation of a step, every slot saw the same step: the same slot
    /// count, epoch, global loss and samples, each slot under its own index.</summary>
    public static IEnumerable<string> Agreement(LineageStep step, int globalBatch)
    {
        var first = step.First;
        var where = $"step {step.Step} (generation {step.Generation})";
        foreach (var (slot, record) in step.Records.Skip(1))
        {
            if (record.SlotCount != first.SlotCount) yield return $"{where}: {slot} counts {record.SlotCount} slots, slot {first.SlotIndex} {first.SlotCount}";
            if (record.Epoch != first.Epoch) yield return $"{where}: {slot} is in epoch {record.Epoch}, slot {first.SlotIndex} in {first.Epoch}";
            if (!record.StepSamples.AsSpan().SequenceEqual(first.StepSamples)) yield return $"{where}: {slot} applied other samples than slot {first.SlotIndex}";
            // The global loss is the mean of the same shares delivered by the barrier; a relative
            // 1e-12 only forgives a different summation order.
            if (Math.Abs(record.Loss - first.Loss) > 1e-12 * Math.Max(1, Math.Abs(first.Loss)))
                yield return $"{where}: {slot} has loss {record.Loss:R}, slot {first.SlotIndex} {first.Loss:R}";
        }
        var indices = step.Records.Select(r => r.Record.SlotIndex).ToList();
        if (indices.Distinct().Count() != indices.Count) yield return $"{where}: two slots claim the same index ({string.Join(", ", indices)})";
        if (indices.Any(i => i < 0 || i >= first.SlotCount)) yield return $"{where}: slot index outside 0…{first.SlotCount - 1} ({string.Join(", ", indices)})";
        if (step.Records.Count > first.SlotCount) yield return $"{where}: {step.Records.Count} slots reported, but the step had {first.SlotCount}";
        if (first.StepSamples.Length != globalBatch) yield return $"{where}: {first.StepSamples.Length} samples, the global batch is {globalBatch}";
    }

    /// <summary>
    /// No stale message mixed in: the step's samples are exactly its slots' own batches in slot
    /// order, each slot's batch the slice at its index. A report from an older generation or another
    /// step would bring samples that are not in the slice of the slot that applied the step.
    /// </summary>
    public static IEnumerable<string> NoStaleSamples(LineageStep step)
    {
        var first = step.First;
        if (first.SlotCount < 1 || first.StepSamples.Length % first.SlotCount != 0)
        {
            yield return $"step {step.Step}: {first.StepSamples.Length} samples do not split over {first.SlotCount} slots";
            yield break;
        }
        var perSlot = first.StepSamples.Length / first.SlotCount;
        foreach (var (slot, record) in step.Records)
        {
            if (record.SlotIndex < 0 || record.SlotIndex >= first.SlotCount) continue; // reported by Agreement
            var slice = first.StepSamples.AsSpan(record.SlotIndex * perSlot, perSlot);
            if (!slice.SequenceEqual(record.Samples))
                yield return $"step {step.Step} (generation {step.Generation}): {slot}'s own samples [{string.Join(",", record.Samples)}] " +
                             $"are not slice {record.SlotIndex} of the step's [{string.Join(",", first.StepSamples)}]";
        }
    }

    /// <summary>
    /// Every slot of a final step reported it, save slots that were killed before the ledger could
    /// read that step from them (their histories died with them): a step may miss as many records
    /// as there are lost slots last read before that step and stopped after it.
    /// </summary>
    public static IEnumerable<string> Completeness(LineageStep step, StepLedger ledger, IReadOnlyCollection<LostSlot> lost)
    {
        var missing = step.First.SlotCount - step.Records.Count;
        if (missing <= 0) yield break;
        var reporting = step.Records.Select(r => r.SlotKey).ToHashSet();
        var excused = lost.Count(l => !reporting.Contains(l.SlotKey) && ledger.LastStepRead(l.SlotKey) < step.Step && step.Step < l.CompletedAtLoss);
        if (missing > excused)
            yield return $"step {step.Step} (generation {step.Generation}): {step.Records.Count} of {step.First.SlotCount} slots reported " +
                         $"({string.Join(", ", reporting)}), and only {excused} lost slot(s) can account for the rest";
    }

    /// <summary>
    /// Per epoch, every sample consumed exactly once among the final steps: no sample twice, and a
    /// finished epoch (every one but the last, and the last when it is whole) covers the dataset.
    /// </summary>
    /// <param name="unwitnessedEpochs">The epoch of each step no one could show: each stands for
    /// <paramref name="globalBatch"/> samples the epoch is allowed to lack.</param>
    public static IEnumerable<string> EpochsExactlyOnce(IReadOnlyList<LineageStep> lineage, int datasetSize,
        IReadOnlyList<int>? unwitnessedEpochs = null, int globalBatch = 0)
    {
        var epochs = lineage.GroupBy(s => s.Epoch).OrderBy(g => g.Key).ToList();
        for (var i = 0; i < epochs.Count; i++)
        {
            var unseen = (unwitnessedEpochs?.Count(e => e == epochs[i].Key) ?? 0) * globalBatch;
            var samples = epochs[i].SelectMany(s => s.First.StepSamples).ToList();
            var repeated = samples.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"{g.Key}×{g.Count()}").ToList();
            if (repeated.Count > 0) yield return $"epoch {epochs[i].Key}: samples consumed more than once: {string.Join(", ", repeated.Take(20))}";
            var outside = samples.Where(x => x < 0 || x >= datasetSize).Distinct().ToList();
            if (outside.Count > 0) yield return $"epoch {epochs[i].Key}: samples outside the dataset: {string.Join(", ", outside.Take(20))}";
            var distinct = samples.Distinct().Count();
            var last = i == epochs.Count - 1;
            if (distinct + unseen != datasetSize && !(last && samples.Count + unseen < datasetSize))
                yield return $"epoch {epochs[i].Key}: {distinct} distinct samples of {datasetSize}" + (unseen > 0 ? $" (+{unseen} in steps no one could show)" : "") +
                             $" (steps {epochs[i].Min(s => s.Step)}–{epochs[i].Max(s => s.Step)})";
        }
        for (var i = 1; i < lineage.Count; i++)
            if (lineage[i].Epoch < lineage[i - 1].Epoch)
                yield return $"step {lineage[i].Step} is in epoch {lineage[i].Epoch}, after step {lineage[i - 1].Step} in epoch {lineage[i - 1].Epoch}";
    }
}
