using BamOrleans.Client;
using BamOrleans.Grains.Runs;
using BamOrleans.Cli.Output;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>A run's overview as a table for people and as a document for scripts (`--json`).</summary>
internal static class RunStatusView
{
    /// <summary>The `--json` document of `bam run status` (stable names: scripts read them).</summary>
    public static object Document(RunOverview o) => new
    {
        runId = o.Status.RunId,
        status = o.Status.Status,
        interrupted = o.Status.Interrupted,
        failureReason = o.Status.FailureReason,
        step = o.Status.Current.Step,
        plannedSteps = o.Status.PlannedSteps,
        epoch = o.Epoch,
        loss = o.LastLoss,
        learningRate = o.LearningRate,
        imagesPerSecond = o.ImagesPerSecond,
        generation = o.Status.Current.Generation,
        leader = o.Status.Host is { } host ? SiloText.Of(host) : null,
        lastCheckpointStep = o.LastCheckpointStep,
        failuresSurvived = o.Status.FailuresSurvived,
        refusedMessages = o.Status.TotalRefusals,
        slots = o.Slots.Select(s => new
        {
            slot = s.SlotId,
            silo = SiloText.Of(s.Silo),
            state = s.State,
            completedSteps = s.CompletedSteps,
            error = s.Error,
        }),
    };

    public static void Render(IAnsiConsole console, RunOverview o)
    {
        var s = o.Status;
        // Plain aligned lines, not a grid: the same on a terminal and in a log, easy to grep.
        void Row(string name, string value) => console.WriteLine($"{name,-18} {value}");
        Row("run", s.RunId);
        Row("status", StatusText(s));
        Row("step", s.PlannedSteps is { } planned ? $"{s.Current.Step} / {planned} ({100.0 * s.Current.Step / Math.Max(1, planned):F1} %)" : $"{s.Current.Step}");
        Row("epoch", o.Epoch?.ToString() ?? "-");
        Row("loss", Number(o.LastLoss, "F4"));
        Row("learning rate", Number(o.LearningRate, "E2"));
        Row("images/s", Number(o.ImagesPerSecond, "F0") + (double.IsNaN(o.ImagesPerSecond) ? "" : $" (last {RunOverview.DefaultRecentSteps} steps)"));
        Row("generation", s.Current.Generation.ToString());
        Row("leader", s.Host is { } host ? SiloText.Of(host) : "-");
        Row("last checkpoint", o.LastCheckpointStep is { } c ? $"step {c}" : "none seen");
        Row("failures survived", s.FailuresSurvived.ToString());
        if (s.TotalRefusals > 0) Row("stale messages refused", s.TotalRefusals.ToString());

        if (o.Slots.Count == 0)
        {
            console.WriteLine(s.Status == RunStatus.Paused ? "No slots: the run is paused with nothing laid out; bam run resume lays it out from its latest checkpoint." : "No slots.");
            return;
        }
        var table = new Table().AddColumns("slot", "silo", "state", "steps applied");
        foreach (var slot in o.Slots)
            table.AddRow(Markup.Escape(slot.SlotId), Markup.Escape(SiloText.Of(slot.Silo)),
                Markup.Escape(slot.Error is null ? slot.State.ToString() : $"{slot.State}: {slot.Error}"), slot.CompletedSteps.ToString());
        console.Write(table);
    }

    public static string StatusText(RunStatusSnapshot s) => s switch
    {
        { Status: RunStatus.Failed } => $"Failed: {s.FailureReason}",
        { Interrupted: true } => "Interrupted (its silos were lost; it resumes from its latest checkpoint by itself)",
        _ => s.Status.ToString(),
    };

    private static string Number(double value, string format) => double.IsFinite(value) ? value.ToString(format) : "-";
}
