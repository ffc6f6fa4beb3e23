using System.CommandLine;
using BamOrleans.Cli.Output;
using BamOrleans.Client;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>Commands on a run id the cluster never saw answer "no such run", not an empty status.</summary>
internal static class RunLookup
{
    /// <summary>Null when the run exists; otherwise the exit code after saying so on the error writer.</summary>
    public static async Task<int?> Require(ClusterRun run, ParseResult parse)
    {
        if (await run.Settings() is not null) return null;
        await CommandConsole.Errors(parse).WriteLineAsync(
            $"bam: the cluster has no run '{run.RunId}': bam run list shows its runs; bam run submit starts one.");
        return ExitCodes.BadInput;
    }
}
