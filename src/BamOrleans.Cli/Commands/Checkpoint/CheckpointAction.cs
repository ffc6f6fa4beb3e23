using BamOrleans.Checkpoints;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Cli.Output;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>
/// <see cref="CommandAction.Run"/> plus the two failures of commands that read checkpoints and
/// encoder files: a checkpoint whose bytes do not verify exits <see cref="ExitCodes.Damaged"/>, and
/// an encoder file that cannot be used is bad input; each with one line naming the blob or file.
/// </summary>
internal static class CheckpointAction
{
    public static Task<int> Run(System.CommandLine.ParseResult parse, Func<Task<int>> body) =>
        CommandAction.Run(parse, async () =>
        {
            var errors = CommandConsole.Errors(parse);
            try
            {
                return await body();
            }
            catch (CorruptCheckpointException e)
            {
                errors.WriteLine($"bam: {e.Message}");
                Log.Error("Checkpoint blob {Blob} is damaged: {Reason}", e.BlobName, e.Reason);
                return ExitCodes.Damaged;
            }
            catch (EncoderFileException e)
            {
                errors.WriteLine($"bam: {e.Message}");
                Log.Error("Encoder file {File} cannot be used: {Reason}", e.FileName, e.Reason);
                return ExitCodes.BadInput;
            }
        });
}
