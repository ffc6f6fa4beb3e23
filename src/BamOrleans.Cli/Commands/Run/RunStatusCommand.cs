using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using Serilog;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>`bam run status &lt;id&gt;`: where a run stands, once.</summary>
internal static class RunStatusCommand
{
    public static Command Create()
    {
        var runId = RunCommand.RunIdArgument();
        var json = new Option<bool>("--json") { Description = "print JSON for scripts" };
        var command = new Command("status", "A run's step, epoch, loss, images/s, slots and their silos, leader, last checkpoint, generation and failures survived") { runId, json };
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, _) => ClusterCommand.Run(parse, connection, async client =>
        {
            var run = new ClusterRun(client, parse.GetValue(runId)!, Log.Logger);
            if (await RunLookup.Require(run, parse) is { } missing) return missing;
            var overview = await run.Overview();
            if (parse.GetValue(json)) JsonOutput.Write(CommandConsole.Writer(parse), RunStatusView.Document(overview));
            else RunStatusView.Render(CommandConsole.For(parse), overview);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
