using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>`bam run list`: every run the cluster knows, with its status and step.</summary>
internal static class RunListCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print JSON for scripts" };
        var command = new Command("list", "List the cluster's runs: status, step, slots, failures survived") { json };
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, _) => ClusterCommand.Run(parse, connection, async client =>
        {
            var runs = await RunCatalog.List(client);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(CommandConsole.Writer(parse), runs.Select(r => new
                {
                    runId = r.RunId,
                    status = r.Status,
                    interrupted = r.Interrupted,
                    step = r.Current.Step,
                    plannedSteps = r.PlannedSteps,
                    slots = r.Slots.Count,
                    failuresSurvived = r.FailuresSurvived,
                }).ToList());
                return ExitCodes.Ok;
            }
            var console = CommandConsole.For(parse);
            if (runs.Count == 0)
            {
                console.WriteLine("No runs yet: bam run submit <config.yaml> starts one.");
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("run", "status", "step", "slots", "failures survived");
            foreach (var r in runs)
                table.AddRow(Markup.Escape(r.RunId), Markup.Escape(RunStatusView.StatusText(r)),
                    r.PlannedSteps is { } planned ? $"{r.Current.Step} / {planned}" : r.Current.Step.ToString(),
                    r.Slots.Count.ToString(), r.FailuresSurvived.ToString());
            console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
