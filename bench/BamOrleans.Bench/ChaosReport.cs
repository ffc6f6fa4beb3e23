using System.Globalization;
using BamOrleans.Tests.Shared.Chaos;

namespace BamOrleans.Bench;

/// <summary>One kind of loss over the trace.</summary>
/// <param name="Recovery">Seconds from the loss to the next completed step.</param>
/// <param name="StepsLost">Steps recomputed per loss.</param>
/// <param name="Extra">SIGTERM: seconds until the process left by itself; zombie: from SIGCONT until it
/// stopped itself; loss of all: seconds from the restart to the next step.</param>
/// <param name="Refused">Stale step messages the run refused around these losses.</param>
internal sealed record LossFigures(LossCategory Category, int Count, Summary? Recovery, Summary? StepsLost, Summary? Extra, long Refused);

/// <summary>The <c>chaos</c> mode's figures, table and JSON.</summary>
internal sealed record ChaosReport(
    ChaosBenchArguments Args,
    IReadOnlyList<LossFigures> Losses,
    Summary? Join,
    double ChaosSeconds,
    double FaultFreeSeconds,
    long StepsRecomputed,
    LossComparison Loss,
    IReadOnlyList<string> LedgerProblems,
    IReadOnlyList<string> Problems)
{
    /// <summary>Useful images per second with the trace over those without (same steps, same batch).</summary>
    public double Goodput => FaultFreeSeconds / ChaosSeconds;

    public static ChaosReport Of(ChaosBenchArguments args, ChaosRunResult chaos, FaultFreeResult faultFree)
    {
        static Summary? Of(IEnumerable<double> values) => values.ToList() is { Count: > 0 } list ? Summary.Of(list) : null;
        var losses = new[] { LossCategory.Kill9, LossCategory.Kill9Leader, LossCategory.Sigterm, LossCategory.Zombie, LossCategory.KillAll }.Select(category =>
        {
            var events = chaos.Events.Where(e => e.Category == category).ToList();
            return new LossFigures(category, events.Count,
                Of(events.Where(e => e.RecoverySeconds is not null).Select(e => e.RecoverySeconds!.Value)),
                Of(events.Where(e => e.ContinuedFrom is not null).Select(e => (double)e.StepsLost)),
                Of(events.Select(e => category == LossCategory.KillAll ? e.SinceRestartSeconds : e.ExitSeconds).OfType<double>()),
                events.Sum(e => e.Refused ?? 0));
        }).ToList();
        var join = Of(chaos.Events.Where(e => e.Category == LossCategory.Replacement && e.RecoverySeconds is not null
                                              // the restart after the loss of all is counted with that loss
                                              && e.Event.Count == 1).Select(e => e.RecoverySeconds!.Value));
        // One epoch (8 steps), as the test.
        var loss = LossComparison.Of(chaos.Losses, faultFree.Losses, 8, chaos.StepsBeforeFirstLoss);
        return new ChaosReport(args, losses, join, chaos.Seconds, faultFree.Seconds, chaos.StepsRecomputed, loss, chaos.LedgerProblems(),
            chaos.Problems.Concat(faultFree.Problems).ToList());
    }

    public static void Print(ChaosReport r, ChaosRunResult chaos)
    {
        static string S(double? seconds) => seconds is { } s ? s.ToString("F2", CultureInfo.InvariantCulture) + " s" : "–";
        static string N(double? steps) => steps is { } n ? n.ToString("0.#", CultureInfo.InvariantCulture) : "–";
        Console.WriteLine();
        foreach (var e in chaos.Events) Console.WriteLine(e);
        Console.WriteLine();
        Console.WriteLine("| loss | count | loss → next completed step, median | worst | steps recomputed, median | worst | exit (SIGTERM: drain; zombie: after SIGCONT) / restart → step (all), median | stale messages refused |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in r.Losses)
            Console.WriteLine($"| {Name(l.Category)} | {l.Count} | {S(l.Recovery?.Median)} | {S(l.Recovery?.Worst)} | {N(l.StepsLost?.Median)} | {N(l.StepsLost?.Worst)} | {S(l.Extra?.Median)} | {l.Refused} |");
        Console.WriteLine($"| replacement silo: start → trained a step | {(r.Join?.Samples.Count ?? 0)} | {S(r.Join?.Median)} | {S(r.Join?.Worst)} | | | | |");
        Console.WriteLine();
        Console.WriteLine($"{r.Args.Steps} steps: {r.ChaosSeconds:F1} s with the trace, {r.FaultFreeSeconds:F1} s without; " +
                          $"goodput {r.Goodput:P0} (useful images/s with failures ÷ without); {r.StepsRecomputed} step(s) computed and thrown away");
        Console.WriteLine(r.Loss.ToString());
        Console.WriteLine(r.LedgerProblems.Count == 0
            ? "ledger: every step reached, every epoch's samples exactly once, no stale samples, slots agree"
            : $"ledger problems ({r.LedgerProblems.Count}):\n  " + string.Join("\n  ", r.LedgerProblems.Take(30)));
        if (r.Problems.Count > 0) Console.WriteLine($"problems ({r.Problems.Count}):\n  " + string.Join("\n  ", r.Problems));
    }

    private static string Name(LossCategory category) => category switch
    {
        LossCategory.Kill9 => "kill -9, not the leader",
        LossCategory.Kill9Leader => "kill -9 of the leader",
        LossCategory.Sigterm => "SIGTERM (eviction notice)",
        LossCategory.KillAll => "kill -9 of every silo, restart",
        LossCategory.Zombie => "zombie (SIGSTOP until dead, SIGCONT)",
        _ => category.ToString(),
    };

    public object Json(ChaosRunResult chaos) => new
    {
        machine = BenchJson.Machine(threads: 1),
        Args.Seed,
        Args.Steps,
        Args.Silos,
        losses = Args.Events,
        trace = chaos.Trace.ToString(),
        globalBatch = ChaosRunDefinition.GlobalBatch,
        checkpointEvery = ChaosRunDefinition.CheckpointEvery,
        byKind = Losses.Select(l => new
        {
            kind = l.Category.ToString(),
            l.Count,
            recoveryMedianSeconds = l.Recovery?.Median,
            recoveryWorstSeconds = l.Recovery?.Worst,
            stepsLostMedian = l.StepsLost?.Median,
            stepsLostWorst = l.StepsLost?.Worst,
            stepsLostTotal = l.StepsLost?.Samples.Sum(),
            exitOrRestartMedianSeconds = l.Extra?.Median,
            refused = l.Refused,
        }),
        replacementJoinMedianSeconds = Join?.Median,
        replacementJoinWorstSeconds = Join?.Worst,
        ChaosSeconds,
        FaultFreeSeconds,
        Goodput,
        StepsRecomputed,
        lossLastEpoch = new { Loss.ChaosMean, Loss.FaultFreeMean, Loss.RelativeDifference, band = LossComparison.Band, Loss.PrefixSteps, Loss.PrefixDifference, Loss.WithinBand },
        events = chaos.Events.Select(e => new
        {
            e.Index,
            kind = e.Event.Kind.ToString(),
            category = e.Category.ToString(),
            e.Silos,
            e.AtSeconds,
            e.GenerationBefore,
            e.GenerationAfter,
            e.CompletedBefore,
            e.ContinuedFrom,
            e.StepsLost,
            e.RecoverySeconds,
            e.ExitSeconds,
            e.Refused,
            e.ExitCode,
            e.SinceRestartSeconds,
        }),
        LedgerProblems,
        Problems,
    };
}
