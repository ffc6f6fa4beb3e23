using System.CommandLine;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>`bam dataset`: prepared datasets in the blob store, the form silos train from in production.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var command = new Command("dataset", "Prepared datasets in the blob store (shards and a manifest): prepare one, look at one");
        command.Subcommands.Add(DatasetPrepareCommand.Create());
        command.Subcommands.Add(DatasetInfoCommand.Create());
        return command;
    }
}
