using System.CommandLine;
using BamOrleans.Cli.Output;
using BamOrleans.Client.Connection;
using BamOrleans.Grains.Placement;
using Serilog;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>`bam cluster`: commands about a running cluster, and the one way every command
/// connects to one (<see cref="Run"/>).</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Look at a running cluster of bam-silo processes");
        command.Subcommands.Add(ClusterStatusCommand.Create());
        return command;
    }

    /// <summary>
    /// Connects with the options in <paramref name="parse"/>, runs <paramref name="body"/> with the
    /// client and disconnects. Bad options: exit 2 (see <see cref="CommandAction"/>); no cluster
    /// answering, or the cluster lost under the body (an Orleans fault or a timeout escaping it):
    /// exit 3 with the reason and the fix on the error writer. Otherwise the body's code.
    /// </summary>
    public static Task<int> Run(ParseResult parse, ConnectionOptionSet connection, Func<IClusterClient, Task<int>> body,
        CancellationToken cancellation = default) =>
        RunConnected(parse, connection, cluster => body(cluster.Client), cancellation);

    /// <summary>As <see cref="Run"/>, for a body that also shows where it connected
    /// (<see cref="ConnectedCluster.Description"/>). Named apart so a lambda never fits both.</summary>
    public static Task<int> RunConnected(ParseResult parse, ConnectionOptionSet connection, Func<ConnectedCluster, Task<int>> body,
        CancellationToken cancellation = default) =>
        CommandAction.Run(parse, async () =>
        {
            var options = connection.Read(parse);
            ConnectedCluster cluster;
            try
            {
                cluster = await ClusterConnection.Connect(options, Log.Logger, cancellation);
            }
            catch (ClusterUnreachableException e)
            {
                CommandConsole.Errors(parse).WriteLine($"bam: {e.Message}");
                Log.Error("{Message}", e.Message);
                return ExitCodes.Unreachable;
            }
            await using (cluster)
            {
                try
                {
                    return await body(cluster);
                }
                catch (Exception e) when (ClusterFaults.IsTransient(e))
                {
                    // The cluster went away under the command (its gateway silo stopped, a call timed out).
                    var message = $"the cluster at {cluster.Description} stopped answering ({e.Message}): check its silos with `bam cluster status` and try again";
                    CommandConsole.Errors(parse).WriteLine($"bam: {message}");
                    Log.Error(e, "{Message}", message);
                    return ExitCodes.Unreachable;
                }
            }
        });
}
