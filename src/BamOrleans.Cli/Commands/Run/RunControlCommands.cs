using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using BamOrleans.Grains.Runs;
using Serilog;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>`bam run pause|resume|cancel &lt;id&gt;`: one call to the run each, answered with its new status.</summary>
internal static class RunControlCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Control("pause", "Pause a run at its next step boundary (slot 0 checkpoints it); its slots stay, waiting",
            (run, _) => run.Pause());
        yield return Control("resume", "Resume a paused run: at once if its slots are in place, else laid out again from its latest checkpoint",
            (run, _) => run.Resume());
        var reason = new Option<string>("--reason") { Description = "why, for the run's timeline", DefaultValueFactory = _ => "cancelled from the bam CLI" };
        yield return Control("cancel", "Cancel a run for good: its slots stop, its checkpoints stay in the store",
            (run, parse) => run.Cancel(parse.GetValue(reason)!), reason);
    }

    private static Command Control(string name, string description, Func<ClusterRun, ParseResult, Task<RunStatusSnapshot>> act, params Option[] extra)
    {
        var runId = RunCommand.RunIdArgument();
        var json = new Option<bool>("--json") { Description = "print JSON for scripts" };
        var command = new Command(name, description) { runId, json };
        foreach (var option in extra) command.Options.Add(option);
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, _) => ClusterCommand.Run(parse, connection, async client =>
        {
            var run = new ClusterRun(client, parse.GetValue(runId)!, Log.Logger);
            if (await RunLookup.Require(run, parse) is { } missing) return missing;
            RunStatusSnapshot status;
            try
            {
                status = await act(run, parse);
            }
            catch (InvalidOperationException e)
            {
                // Not allowed in the run's state (e.g. resuming a cancelled run): the run says why.
                await CommandConsole.Errors(parse).WriteLineAsync($"bam: {e.Message}");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(json))
                JsonOutput.Write(CommandConsole.Writer(parse), new { runId = status.RunId, status = status.Status, step = status.Current.Step, slots = status.Slots.Count });
            else
                await CommandConsole.Writer(parse).WriteLineAsync($"run {status.RunId}: {RunStatusView.StatusText(status)} at step {status.Current.Step}, {status.Slots.Count} slots");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
