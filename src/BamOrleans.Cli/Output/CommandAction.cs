using BamOrleans.Core.Training;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Cli.Output;

/// <summary>
/// Runs a command's body and turns the failures every command shares into its exit code and one
/// clear line on the error writer: bad input (exit 2) names the problem and the fix, and nothing
/// was changed; anything else propagates (a bug, with its stack trace in the log).
/// </summary>
internal static class CommandAction
{
    public static async Task<int> Run(System.CommandLine.ParseResult parse, Func<Task<int>> body)
    {
        var errors = CommandConsole.Errors(parse);
        try
        {
            return await body();
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var problem in e.Problems) errors.WriteLine($"bam: {problem}");
            Log.Error("Invalid configuration: {Problems}", e.Problems);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is BlobStoreConfigurationException or InvalidDataException or FileNotFoundException
                                      or DirectoryNotFoundException or ArgumentException)
        {
            errors.WriteLine($"bam: {e.Message}");
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
    }
}
