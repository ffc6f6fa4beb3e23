using System.CommandLine;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Cli.Output;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>
/// `bam checkpoint export &lt;run&gt; [--step N] --out file.safetensors`: the trained encoder of a
/// verified checkpoint (by default the latest) as a safetensors file that PyTorch and TorchSharp
/// load (docs/encoder-export.md).
/// </summary>
internal static class CheckpointExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Write the trained encoder of a checkpoint (default: the latest that verifies) as a .safetensors file");
        var run = RunOptions.AddTo(command, "the checkpoint of this step (its folder name); default: the newest that verifies");
        var output = new Option<string>("--out") { Description = "the .safetensors file to write (replaced if it exists)", Required = true };
        command.Options.Add(output);
        var store = StoreOptionSet.AddTo(command);
        command.SetAction((parse, _) => CheckpointAction.Run(parse, async () =>
        {
            var runId = run.Run(parse)!;
            var path = parse.GetValue(output)!;
            if (!path.EndsWith(EncoderExport.Extension, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--out {path}: an encoder file is safetensors; name it *{EncoderExport.Extension} so other tools recognise it.");
            var (checkpoint, metadata) = await RunEncoderSource.Load(await store.Open(parse), runId, run.Step(parse), Log.Logger);
            var tensors = EncoderExport.WriteFile(path, metadata, checkpoint.Model, Log.Logger);
            var writer = CommandConsole.Writer(parse);
            writer.WriteLine($"Exported run {runId} step {metadata.Step} ({metadata.Encoder.Architecture}, {metadata.FeatureDim}-dim features, {tensors} tensors) to {Path.GetFullPath(path)}");
            writer.Flush();
            return ExitCodes.Ok;
        }));
        return command;
    }
}
