using System.CommandLine;
using BamOrleans.Cli.Commands.Checkpoint;
using BamOrleans.Cli.Output;
using BamOrleans.Core.Evaluation;
using BamOrleans.Data.Idx;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Cli.Commands.Eval;

/// <summary>
/// `bam eval knn|linear`: measures a trained encoder beside the two baselines of DESIGN §7 (a
/// random encoder of the same architecture from the run's seed, and raw pixels) exactly as
/// <see cref="EncoderComparison"/> does after `bam local`, one protocol per subcommand.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a trained encoder (an exported file or a run's checkpoint) beside a random encoder and raw pixels");
        command.Subcommands.Add(Measure("knn", EvaluationMeasures.Knn,
            "Weighted k-NN top-1 (k = 20, T = 0.07) on Fashion-MNIST test images, train images as memory"));
        command.Subcommands.Add(Measure("linear", EvaluationMeasures.LinearProbe,
            "Linear-probe top-1 on Fashion-MNIST test images, fitted on the train images"));
        return command;
    }

    private static Command Measure(string name, EvaluationMeasures measure, string description)
    {
        var command = new Command(name, description);
        var file = new Option<string?>("--checkpoint") { Description = "an encoder file written by `bam checkpoint export` (.safetensors)" };
        command.Options.Add(file);
        var run = RunOptions.AddTo(command, "with --run: the checkpoint of this step; default: the newest that verifies", runRequired: false);
        var data = new Option<string>("--data")
        {
            Description = "Fashion-MNIST idx folder (train and test splits)",
            DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
        };
        var threads = new Option<int>("--threads") { Description = "CPU threads for tensor math", DefaultValueFactory = _ => Environment.ProcessorCount };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--threads must be ≥ 1.");
        });
        var json = new Option<bool>("--json") { Description = "answer with one JSON document" };
        foreach (var o in new Option[] { data, threads, json }) command.Options.Add(o);
        var store = StoreOptionSet.AddTo(command);

        command.SetAction((parse, _) => CheckpointAction.Run(parse, async () =>
        {
            var encoderFile = await EvalEncoderSource.Load(parse.GetValue(file), run.Run(parse), run.Step(parse), () => store.Open(parse), Log.Logger);
            var folder = parse.GetValue(data)!;
            var train = FashionMnist.Load(folder, FashionMnistSplit.Train);
            var test = FashionMnist.Load(folder, FashionMnistSplit.Test);
            var metadata = encoderFile.Metadata;
            if (train.Shape.Channels != metadata.Encoder.InChannels)
                throw new ArgumentException($"the encoder takes {metadata.Encoder.InChannels}-channel images but {folder} holds {train.Shape.Channels}-channel ones: evaluate it on the data it was trained for.");

            set_num_threads(parse.GetValue(threads));
            Log.Information("Evaluating run {Run} step {Step} ({Measure}) on {Test} test images, {Train} train images, beside a random encoder and raw pixels",
                metadata.RunId, metadata.Step, name, test.Count, train.Count);
            using var encoder = encoderFile.CreateEncoder();
            var result = EncoderComparison.Run(encoder, metadata.Encoder, metadata.Seed, train, test, metadata.Normalizer, Log.Logger, measure);
            var report = EvalReport.From(measure, encoderFile, Path.GetFullPath(folder), train.Count, test.Count, result);
            if (parse.GetValue(json))
                JsonOutput.Write(CommandConsole.Writer(parse), report);
            else
                report.Write(CommandConsole.For(parse), CommandConsole.Writer(parse));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
