using System.Diagnostics;
using BamOrleans.Client;
using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>
/// Trains one run on a <see cref="ChaosCluster"/> while following a <see cref="PreemptionTrace"/>:
/// fires each event once the run has gone the trace's steps past the previous one, waits (bounded)
/// for its effect, times it, and keeps every slot's step records in a <see cref="StepLedger"/> for
/// the checks. Also trains the same definition without faults, for the comparison.
/// </summary>
internal sealed class ChaosDriver(ChaosCluster cluster, Deadline deadline, ILogger log)
{
    /// <summary>The most one event may take to show its effect: membership declares a killed silo
    /// dead in seconds, a restart of every silo takes the .NET start as well; generous for a loaded
    /// 2-core machine, and still far below a hang.</summary>
    private static readonly TimeSpan EffectLimit = TimeSpan.FromSeconds(90);

    /// <summary>bam-silo's default --drain-seconds (25) and the .NET host's exit.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(40);

    private readonly ILogger _log = log.ForContext<ChaosDriver>();

    /// <summary>An event fired whose effect has not been waited for yet.</summary>
    private sealed record Fired(EventOutcome Outcome, IReadOnlyList<ChaosSilo> Silos, IReadOnlyList<string> VictimSlots);

    /// <summary>Launches <paramref name="definition"/> on every live silo and follows <paramref name="trace"/> to the run's end.</summary>
    public async Task<ChaosRunResult> Run(RunDefinition definition, PreemptionTrace trace, string runId)
    {
        var target = definition.Config.Steps;
        var clock = Stopwatch.StartNew();
        var run = new ClusterRun(cluster.Client, runId, log);
        await run.Launch(definition, ChaosRunDefinition.DatasetSize, slotsPerSilo: 1);
        var planned = cluster.Live.Count;
        _log.Information("Run {RunId:l}: {Steps} steps on {Silos} silos, trace {Trace:l}", runId, target, planned, trace.ToString());

        var ledger = new StepLedger();
        var outcomes = new List<EventOutcome>();
        var lost = new List<LostSlot>();
        var problems = new List<string>();
        await using var monitor = new RunMonitor(cluster, runId, clock, log);
        await using var collector = new LedgerCollector(cluster, monitor, ledger, log);
        string Describe() => $"{RunMonitor.Describe(monitor.Latest)}\n{cluster.Logs()}";

        long baseline = 0;
        var unsettled = new List<Fired>();
        for (var i = 0; i < trace.Events.Count; i++)
        {
            var next = trace.Events[i];
            if (next.AfterSteps > 0 && !next.Immediately)
            {
                var at = Math.Min(target, baseline + next.AfterSteps);
                await monitor.WaitFor($"{at} completed steps, to fire event #{i} ({next})", o => Check(collector, o) && o.Completed >= at, deadline, describe: () => cluster.Logs());
                if (at >= target)
                {
                    problems.Add($"the run reached its {target} steps before event #{i} ({next}): lengthen the run or shorten the trace");
                    break;
                }
            }
            var fired = await Fire(i, next, monitor, collector, lost);
            outcomes.Add(fired.Outcome);
            unsettled.Add(fired);
            // An event due at once (a replacement booting during the recovery, the restart after
            // the loss of everything) fires before the previous one's effect is awaited.
            if (i + 1 < trace.Events.Count && trace.Events[i + 1].Immediately) continue;
            foreach (var pending in unsettled) await Settle(pending, monitor, collector, lost, problems, planned, Describe);
            unsettled.Clear();
            baseline = monitor.Latest!.Completed;
        }
        foreach (var pending in unsettled) await Settle(pending, monitor, collector, lost, problems, planned, Describe);

        var finished = await monitor.WaitFor($"the run to complete its {target} steps", o => Check(collector, o) && o.Completed >= target, deadline, describe: () => cluster.Logs());
        run = new ClusterRun(cluster.Client, runId, log);
        await run.Attach();
        await run.WaitUntilDone(target, budget: null, cancellation: deadline.Token());
        await collector.CollectNow(); // every replica has applied the last step now
        var reports = await run.Reports();
        problems.AddRange(ReplicaProblems(reports, target));
        for (var i = 0; i + 1 < outcomes.Count; i++)
            if (outcomes[i] is { Category: LossCategory.KillAll, RecoverySeconds: { } r } all && outcomes[i + 1].Category == LossCategory.Replacement)
                all.SinceRestartSeconds = all.AtSeconds + r - outcomes[i + 1].AtSeconds;
        foreach (var outcome in outcomes.Where(o => o.Event.Kills))
        {
            outcome.CompletedBefore = Math.Max(outcome.CompletedBefore, ledger.CompletedThrough(outcome.GenerationBefore));
            if (outcome.GenerationAfter is { } after && ledger.FirstStepBetween(outcome.GenerationBefore, after) is { } first)
                outcome.ContinuedFrom = first;
            // The run cannot go on from a step it had not reached: the kill overtook the last read.
            if (outcome.ContinuedFrom is { } from) outcome.CompletedBefore = Math.Max(outcome.CompletedBefore, from);
        }
        // A lost slot may lack records up to the last step its generation completed, as the ledger
        // shows it now (the status read at the kill can lag behind the barrier by a step or two).
        var lostSlots = lost.Select(l => l with { CompletedAtLoss = Math.Max(l.CompletedAtLoss, outcomes[l.EventIndex].CompletedBefore) }).ToList();
        return new ChaosRunResult(runId, trace, target, planned, outcomes, ledger, lostSlots, finished.Seconds, problems, reports, monitor.FailedPolls)
        {
            Unwitnessed = Unwitnessed(outcomes),
        };
    }

    /// <summary>The same definition on the live silos with nothing happening: the reference for
    /// goodput and for the loss curve.</summary>
    /// <param name="siloLimit">Train on only the first this-many silos (how the band of the loss comparison was measured).</param>
    public async Task<FaultFreeResult> RunFaultFree(RunDefinition definition, string runId, int? siloLimit = null)
    {
        var target = definition.Config.Steps;
        var clock = Stopwatch.StartNew();
        var run = new ClusterRun(cluster.Client, runId, log);
        await run.Launch(definition, ChaosRunDefinition.DatasetSize, slotsPerSilo: 1, siloLimit);
        await using var monitor = new RunMonitor(cluster, runId, clock, log);
        var finished = await monitor.WaitFor($"the fault-free run to complete its {target} steps", o => o.Completed >= target, deadline,
            describe: () => cluster.Logs());
        await run.WaitUntilDone(target, budget: null, cancellation: deadline.Token());
        var history = await run.History(0, 0);
        var reports = await run.Reports();
        return new FaultFreeResult(runId, target, run.SlotKeys.Count, finished.Seconds,
            history.OrderBy(r => r.Step).Select(r => r.Loss).ToList(), ReplicaProblems(reports, target).ToList());
    }

    private async Task<Fired> Fire(int index, PreemptionEvent next, RunMonitor monitor, LedgerCollector collector, List<LostSlot> lost)
    {
        if (next.Kind == ChaosEventKind.StartReplacement)
        {
            var firedAt = Seconds(monitor);
            var started = Enumerable.Range(0, next.Count).Select(_ => cluster.StartSilo()).ToList();
            var outcome = new EventOutcome(index, next, LossCategory.Replacement, started.Select(s => s.Process.Name).ToList(), firedAt,
                monitor.Latest?.Generation ?? -1);
            if (!cluster.HasClient)
            {
                // After the loss of everything: a client started before a gateway is up waits out
                // its own connection timeout, so wait for the silos to say they are up.
                await deadline.Until("the restarted silos to be up", () => Task.FromResult(started.All(s => s.Process.Printed(" up: cluster "))),
                    () => cluster.Logs(), limit: EffectLimit);
                await cluster.Connect(deadline);
            }
            _log.Information("Fired {Outcome:l}", outcome.ToString());
            return new Fired(outcome, started, []);
        }

        var leader = await Leader();
        var live = cluster.Live;
        var (victims, category) = next.Kind switch
        {
            ChaosEventKind.Kill9 => (Pick(live.Where(s => s != leader).ToList(), next.Pick), LossCategory.Kill9),
            ChaosEventKind.KillLeader => ([leader], LossCategory.Kill9Leader),
            ChaosEventKind.Terminate => (Pick(live, next.Pick), LossCategory.Sigterm),
            ChaosEventKind.KillAll => (live, LossCategory.KillAll),
            ChaosEventKind.Zombie => (Pick(live.Where(s => s != leader).ToList(), next.Pick), LossCategory.Zombie),
            _ => throw new ArgumentOutOfRangeException(nameof(next), next.Kind, "unknown event"),
        };
        // Read the victims' histories at the last moment: what they applied dies with them. Read
        // again if a step completed meanwhile (the kill then follows the status read at once).
        RunMonitor.Observation before;
        var reads = 0;
        do
        {
            await collector.CollectNow();
            before = await monitor.Fresh();
        } while (++reads < 5 && collector.Ledger.HighestStep + 1 < before.Completed);
        var readThrough = collector.Ledger.HighestStep;
        var ports = victims.Select(v => v.SiloPort).ToHashSet();
        var victimSlots = before.Status.Slots.Where(s => ports.Contains(s.Value.Endpoint.Port)).Select(s => s.Key).ToList();
        var fired = new EventOutcome(index, next, category, victims.Select(v => v.Process.Name + (v == leader ? " (leader)" : "")).ToList(),
            Seconds(monitor), before.Generation) { CompletedBefore = before.Completed, Refused = -before.Status.TotalRefusals, ReadThrough = readThrough };
        if (next.Kind == ChaosEventKind.Terminate) cluster.Terminate(victims[0]);
        else if (next.Kind == ChaosEventKind.Zombie) cluster.Freeze(victims[0]);
        else cluster.Kill([.. victims]);
        // A step may complete in the instant between the status read and the kill: one more step.
        if (next.Kind != ChaosEventKind.Terminate) lost.AddRange(victimSlots.Select(k => new LostSlot(k, before.Completed + 1, index)));
        if (next.Kind == ChaosEventKind.KillAll) await cluster.Disconnect(); // no gateway is left
        _log.Information("Fired {Outcome:l}; slots lost: {Slots}", fired.ToString(), victimSlots);
        return new Fired(fired, victims, victimSlots);
    }

    private async Task Settle(Fired fired, RunMonitor monitor, LedgerCollector collector, List<LostSlot> lost, List<string> problems, int planned,
        Func<string> describe)
    {
        var outcome = fired.Outcome;
        try
        {
            if (outcome.Category == LossCategory.Replacement) await SettleReplacement(fired, monitor, collector, planned, describe);
            else await SettleLoss(fired, monitor, collector, lost, problems, describe);
        }
        catch (Exception e) when (e is TimeoutException or WaitAbortedException)
        {
            problems.Add($"event #{outcome.Index} ({outcome.Event}): {e.Message}");
            throw;
        }
        _log.Information("Settled {Outcome:l}", outcome.ToString());
    }

    /// <summary>A loss is over when the run has completed a step in a newer generation without the
    /// victims' slots. A SIGTERM'd silo must also have left by itself within its drain deadline.</summary>
    private async Task SettleLoss(Fired fired, RunMonitor monitor, LedgerCollector collector, List<LostSlot> lost, List<string> problems, Func<string> describe)
    {
        var outcome = fired.Outcome;
        var victimSlots = fired.VictimSlots.ToHashSet();
        RunMonitor.Observation? resumed = null, stepped = null;
        (double Seconds, long Generation)? read = null;
        await deadline.Until($"the run to complete a step after event #{outcome.Index} ({outcome.Event})", () =>
        {
            // Seen in the status polls: the first view of a newer generation without the victims,
            // then the first step completed after it.
            var changes = monitor.ChangesSince(outcome.AtSeconds);
            resumed = changes.FirstOrDefault(c => c.Generation > outcome.GenerationBefore && !c.Status.Slots.Keys.Any(victimSlots.Contains));
            stepped = resumed is null ? null : changes.FirstOrDefault(c => c.Seconds >= resumed.Seconds && c.Completed > resumed.Completed);
            // Or read from a slot: a step of a newer generation, when the polls missed the moment.
            read = collector.Ledger.FirstSeenAfter(outcome.GenerationBefore);
            var seen = stepped is not null || read is not null;
            if (!seen && monitor.Latest is { } latest) Check(collector, latest, outcome);
            return Task.FromResult(seen);
        }, () => Changes(monitor, outcome) + "\n" + describe(), interval: TimeSpan.FromMilliseconds(20), limit: EffectLimit);
        outcome.Refused = monitor.Latest is { } now && outcome.Refused is { } negativeBefore ? Math.Max(0, now.Status.TotalRefusals + negativeBefore) : null;
        var at = Math.Min(stepped?.Seconds ?? double.MaxValue, read?.Seconds ?? double.MaxValue);
        outcome.RecoverySeconds = at - outcome.AtSeconds;
        outcome.ContinuedFrom = resumed?.Completed;
        outcome.GenerationAfter = stepped?.Generation ?? read!.Value.Generation;

        if (outcome.Category == LossCategory.Zombie)
        {
            // The run went on without it: let it wake with its step in flight. Its messages carry
            // an old generation; Orleans tells it that it was declared dead, and it stops itself.
            var zombie = fired.Silos[0];
            var wokeAt = Seconds(monitor);
            zombie.Process.Resume();
            var exited = await Task.Run(() => zombie.Process.WaitForExit(DrainLimit));
            if (exited)
            {
                outcome.ExitSeconds = Seconds(monitor) - wokeAt;
                outcome.ExitCode = zombie.Process.ExitCode;
            }
            else
            {
                problems.Add($"{zombie}, declared dead, still ran {DrainLimit.TotalSeconds:F0} s after SIGCONT: killed");
                cluster.Kill(zombie);
            }
        }
        if (outcome.Category == LossCategory.Sigterm)
        {
            var victim = fired.Silos[0];
            var exited = await Task.Run(() => victim.Process.WaitForExit(DrainLimit));
            if (exited)
            {
                outcome.ExitSeconds = Seconds(monitor) - outcome.AtSeconds;
                outcome.ExitCode = victim.Process.ExitCode;
                if (outcome.ExitCode != 0) problems.Add($"{victim} exited with code {outcome.ExitCode} after SIGTERM, not 0");
            }
            else
            {
                problems.Add($"{victim} still ran {DrainLimit.TotalSeconds:F0} s after SIGTERM: killed");
                cluster.Kill(victim);
            }
            // It applied steps while it drained: until its exit it may hold records no one else read.
            var completedAtExit = monitor.Latest?.Completed ?? outcome.CompletedBefore;
            lost.AddRange(fired.VictimSlots.Select(k => new LostSlot(k, completedAtExit + 1, outcome.Index)));
        }
    }

    /// <summary>A replacement has joined when the run has slots on it and has completed a step with
    /// them (up to the silos the run was planned on: beyond that a new silo stays idle).</summary>
    private async Task SettleReplacement(Fired fired, RunMonitor monitor, LedgerCollector collector, int planned, Func<string> describe)
    {
        var outcome = fired.Outcome;
        var joining = fired.Silos.Take(Math.Max(0, planned - (cluster.Live.Count - fired.Silos.Count))).Select(s => s.SiloPort).ToHashSet();
        RunMonitor.Observation? joined = null, stepped = null;
        await deadline.Until($"{joining.Count} new silo(s) to train in the run after event #{outcome.Index} ({outcome.Event})", () =>
        {
            var changes = monitor.ChangesSince(outcome.AtSeconds);
            joined = changes.FirstOrDefault(c => joining.All(p => c.Status.Slots.Values.Any(a => a.Endpoint.Port == p)));
            stepped = joined is null ? null : changes.FirstOrDefault(c => c.Seconds >= joined.Seconds && c.Completed > joined.Completed);
            if (stepped is null && monitor.Latest is { } latest) Check(collector, latest, outcome);
            return Task.FromResult(stepped is not null);
        }, () => Changes(monitor, outcome) + "\n" + describe(), interval: TimeSpan.FromMilliseconds(20), limit: EffectLimit);
        outcome.RecoverySeconds = stepped!.Seconds - outcome.AtSeconds;
        outcome.GenerationAfter = stepped.Generation;
    }

    /// <summary>
    /// Steps no one can show: completed by the last generation before the loss of every silo
    /// after the ledger's last read of them, and not redone because the run went on from a
    /// checkpoint taken after them. The last read is taken right before the kill, so at most
    /// the step in flight then; the checks allow these steps' absence and nothing else.
    /// </summary>
    private static IReadOnlyList<long> Unwitnessed(IEnumerable<EventOutcome> outcomes) =>
        outcomes.Where(o => o.Category == LossCategory.KillAll && o.ContinuedFrom is not null)
            .SelectMany(o => Enumerable.Range(0, (int)Math.Max(0, o.ContinuedFrom!.Value - (o.ReadThrough + 1))).Select(k => o.ReadThrough + 1 + k))
            .ToList();

    /// <summary>The run's changes since an event, one line each, for a failure message.</summary>
    private static string Changes(RunMonitor monitor, EventOutcome outcome) =>
        $"changes since event #{outcome.Index}:\n  " + string.Join("\n  ", monitor.ChangesSince(outcome.AtSeconds).TakeLast(40).Select(c =>
            $"{c.Seconds:F2} s {c.Status.Status} steps {c.Completed} generation {c.Generation} slots {c.Status.Slots.Count} " +
            $"[{string.Join(",", c.Status.Slots.Values.Select(a => a.Endpoint.Port))}]"));

    /// <summary>Throws (ending every wait at once) when the run or one of its slots failed: no
    /// amount of waiting brings a failed run back. Returns true otherwise, to sit in conditions.</summary>
    private static bool Check(LedgerCollector collector, RunMonitor.Observation seen, EventOutcome? awaiting = null)
    {
        if (awaiting is not null && seen.Status.Status == BamOrleans.Grains.Runs.RunStatus.Completed)
            throw new WaitAbortedException($"the run completed its steps before the effect of event #{awaiting.Index} ({awaiting.Event}) was seen: " +
                                          "lengthen the run (steps) or shorten the trace");
        if (seen.Status.Status == BamOrleans.Grains.Runs.RunStatus.Failed)
            throw new WaitAbortedException($"the run failed: {seen.Status.FailureReason}");
        if (collector.Failure is { } failure) throw new WaitAbortedException(failure);
        return true;
    }

    private async Task<ChaosSilo> Leader()
    {
        ChaosSilo? leader = null;
        await deadline.Until("the leader", async () => (leader = await cluster.Leader()) is not null, () => cluster.Logs(), limit: TimeSpan.FromSeconds(30));
        return leader!;
    }

    private static List<ChaosSilo> Pick(IReadOnlyList<ChaosSilo> candidates, int pick) =>
        candidates.Count == 0 ? throw new InvalidOperationException("no silo to pick a victim from") : [candidates[pick % candidates.Count]];

    private static double Seconds(RunMonitor monitor) => monitor.Clock.Elapsed.TotalSeconds;

    /// <summary>Every replica at the target step with the same parameters (checksums of the
    /// student's bytes; the test also compares the exported tensors).</summary>
    private static IEnumerable<string> ReplicaProblems(IReadOnlyList<SlotReport> reports, long target)
    {
        foreach (var report in reports.Where(r => r.CompletedSteps != target))
            yield return $"{report.SlotId} applied {report.CompletedSteps} steps, not {target}";
        if (reports.Select(r => r.ParameterChecksum).Distinct().Count() > 1)
            yield return $"replicas differ: checksums {string.Join(", ", reports.Select(r => $"{r.SlotId}={r.ParameterChecksum:x16}"))}";
    }
}
