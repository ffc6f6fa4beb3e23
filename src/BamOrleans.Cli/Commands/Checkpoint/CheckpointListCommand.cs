using System.CommandLine;
using BamOrleans.Cli.Output;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>`bam checkpoint list &lt;run&gt;`: every checkpoint of the run, verified, with the latest marked.</summary>
internal static class CheckpointListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List a run's checkpoints: step, size, complete or damaged (with the blob that fails), and which is latest");
        var run = RunOptions.AddTo(command, "only the checkpoint of this step (its folder name); default: every checkpoint of the run");
        var json = new Option<bool>("--json") { Description = "answer with one JSON document" };
        command.Options.Add(json);
        var store = StoreOptionSet.AddTo(command);
        command.SetAction((parse, _) => CheckpointAction.Run(parse, async () =>
        {
            var runId = run.Run(parse)!;
            var inventory = await CheckpointInventory.Read(await store.Open(parse), runId, Log.Logger, run.Step(parse));
            if (parse.GetValue(json))
                JsonOutput.Write(CommandConsole.Writer(parse), inventory);
            else
                CheckpointTable.Write(CommandConsole.For(parse), CommandConsole.Writer(parse), inventory);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
