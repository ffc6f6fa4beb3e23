using BamOrleans.Core.Training;
using Serilog;

namespace BamOrleans.Cli.Output;

/// <summary>
/// Runs a local training job (`bam local`, `bam compare`) and turns its failures into the exit
/// codes every command uses: bad input — a config no objective can train, a missing or unreadable
/// dataset — is exit 2 with one line per problem on the error writer, and nothing was trained; a
/// run that failed on the cluster (a slot stopped, a silo could not start) is exit 1.
/// </summary>
internal static class LocalJobAction
{
    public static int Run(System.CommandLine.ParseResult parse, Func<int> body)
    {
        var errors = CommandConsole.Errors(parse);
        try
        {
            return body();
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var problem in e.Problems) errors.WriteLine($"bam: {problem}");
            Log.Error("Invalid configuration: {Problems}", e.Problems);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            errors.WriteLine($"bam: {e.Message}");
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        catch (InvalidOperationException e)
        {
            // The reason is in the message; the logs above have the details.
            errors.WriteLine($"bam: {e.Message}");
            Log.Error("{Message}", e.Message);
            return ExitCodes.Failed;
        }
    }
}
