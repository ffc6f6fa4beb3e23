using System.CommandLine;
using BamOrleans.Cli.Output;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>`bam cluster status`: the silos of a running cluster, its leader, and the worker slots each hosts.</summary>
internal static class ClusterStatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "answer as one JSON document" };
        var command = new Command("status",
            "Show the silos of a running cluster (active, joining, shutting down, recently dead), which one leads, and the worker slots each hosts per run");
        command.Options.Add(json);
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, cancellation) => ClusterCommand.RunConnected(parse, connection, async cluster =>
        {
            var report = await ClusterStatusReader.Read(cluster.Client, cluster.Description, cancellation);
            if (parse.GetValue(json)) JsonOutput.Write(CommandConsole.Writer(parse), report);
            else ClusterStatusTable.Write(CommandConsole.For(parse), report);
            return ExitCodes.Ok;
        }, cancellation));
        return command;
    }
}
