using System.CommandLine;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>`bam checkpoint`: look at a run's checkpoints in the blob store, verify them, export the encoder.</summary>
internal static class CheckpointCommand
{
    public static Command Create()
    {
        var command = new Command("checkpoint", "A run's checkpoints in the blob store: list, verify, export the trained encoder");
        command.Subcommands.Add(CheckpointListCommand.Create());
        command.Subcommands.Add(CheckpointVerifyCommand.Create());
        command.Subcommands.Add(CheckpointExportCommand.Create());
        return command;
    }
}
