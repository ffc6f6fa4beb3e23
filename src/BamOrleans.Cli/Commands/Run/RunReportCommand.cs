using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Output;
using BamOrleans.Cli.Reporting;
using BamOrleans.Client;
using BamOrleans.Grains.Runs;
using BamOrleans.Reports;
using BamOrleans.Reports.Model;
using Serilog;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>
/// `bam run report &lt;id&gt;`: a cluster run's report, written from what the cluster holds now —
/// the steps its slots have applied since they were last laid out (their history lives with the
/// replicas), its whole timeline, its stored definition. `bam local` writes the same report with
/// its k-NN curve at the end of a run.
/// </summary>
internal static class RunReportCommand
{
    public static Command Create()
    {
        var runId = RunCommand.RunIdArgument();
        var output = new Option<string?>("--out") { Description = "folder for report.html and the figures (default: runs/<run-id>)" };
        var command = new Command("report", "Write a run's report: loss and learning-rate figures, its timeline of failures and recoveries, its config, as one self-contained HTML page") { runId, output };
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, _) => ClusterCommand.Run(parse, connection, async (IClusterClient client) =>
        {
            var run = new ClusterRun(client, parse.GetValue(runId)!, Log.Logger);
            if (await RunLookup.Require(run, parse) is { } missing) return missing;
            var overview = await run.Overview();
            var history = run.SlotKeys.Count > 0 ? await run.History(0) : [];
            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("runs", run.RunId));
            var status = overview.Status;
            var report = new RunReport(
                run.RunId,
                $"BAM run {run.RunId}",
                DateTimeOffset.UtcNow,
                (await run.Settings())?.Document ?? "",
                [
                    new KeyFact("status", RunStatusView.StatusText(status)),
                    new KeyFact("step", status.PlannedSteps is { } planned ? $"{status.Current.Step:N0} of {planned:N0}" : $"{status.Current.Step:N0}"),
                    new KeyFact("slots", $"{status.Slots.Count} in generation {status.Current.Generation}"),
                    new KeyFact("leader", status.Host is { } host ? SiloText.Of(host) : "-"),
                    new KeyFact("last checkpoint", overview.LastCheckpointStep is { } c ? $"step {c:N0}" : "none seen"),
                    new KeyFact("steps in the figures", history.Count == 0 ? "none: no slot holds the run's history" : $"{history[0].Step:N0} to {history[^1].Step:N0}, as slot 0 applied them since it was laid out"),
                ],
                history.Select(r => new StepRecord(r.Step, r.Epoch, r.Skipped ? double.NaN : r.Loss, r.LearningRate,
                    r.Phases.Total > 0 ? r.StepSamples.Length / r.Phases.Total : null)).ToList(),
                [],
                [],
                TimelineMapping.ToReport(await run.Events()));
            RunReportWriter.Write(report, folder);
            await CommandConsole.Writer(parse).WriteLineAsync($"Report: {Path.Combine(folder, RunReportWriter.HtmlFile)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
