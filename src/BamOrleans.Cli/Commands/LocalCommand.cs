using System.CommandLine;
using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Training;
using Serilog;

namespace BamOrleans.Cli.Commands;

/// <summary>`bam local`: the embedded default — train BAM on this machine, then evaluate.</summary>
internal static class LocalCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Fashion-MNIST idx folder, or an image folder with --dataset folder",
            DefaultValueFactory = _ => BamOrleans.Data.Idx.FashionMnist.DefaultDirectory,
        };
        var dataset = new Option<DatasetKind>("--dataset")
        {
            Description = "fashion-mnist (idx files) or folder (JPEG/PNG, one sub-folder per class)",
            DefaultValueFactory = _ => DatasetKind.FashionMnist,
            CustomParser = r =>
            {
                if (DatasetKindParser.TryParse(r.Tokens.Single().Value, out var kind)) return kind;
                r.AddError($"--dataset {r.Tokens.Single().Value}: unknown; use fashion-mnist or folder.");
                return default;
            },
        };
        var evalData = new Option<string?>("--eval-data")
        {
            Description = "labelled image folder to evaluate on with --dataset folder (test split); default: no evaluation",
        };
        var imageSize = new Option<int>("--image-size") { Description = "side of the square images read from a folder", DefaultValueFactory = _ => 32 };
        var steps = new Option<long>("--steps") { Description = "training steps (the schedules span exactly this many)", DefaultValueFactory = _ => LocalJobOptions.DefaultSteps };
        var batch = new Option<int>("--batch") { Description = "images per step", DefaultValueFactory = _ => 128 };
        var minutes = new Option<double>("--minutes") { Description = "stop training after this many minutes even if steps remain (0: no limit)", DefaultValueFactory = _ => LocalJobOptions.DefaultMinutes };
        var seed = new Option<long>("--seed") { Description = "seed of weights, sampling and augmentations", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for tensor math", DefaultValueFactory = _ => Environment.ProcessorCount };
        var localViews = new Option<int>("--local-views") { Description = "local (small) crops per image, beside the 2 global views", DefaultValueFactory = _ => LocalJobOptions.DefaultLocalViews };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "AdamW (default) or Lars", DefaultValueFactory = _ => OptimizerKind.AdamW };
        var learningRate = new Option<double>("--lr") { Description = "base learning rate per 256 images", DefaultValueFactory = _ => new OptimizationOptions().BaseLearningRate };
        var ema = new Option<bool>("--ema") { Description = "use a momentum (EMA) teacher for targets and columns" };
        var output = new Option<string>("--out") { Description = "folder for this run's outputs", DefaultValueFactory = _ => "runs" };
        var skipEval = new Option<bool>("--no-eval") { Description = "train only" };

        var command = new Command("local", "Train BAM on this machine on the embedded default (Fashion-MNIST), then evaluate it beside a random encoder and raw pixels");
        foreach (var o in new Option[] { data, dataset, evalData, imageSize, steps, batch, minutes, seed, threads, localViews, optimizer, learningRate, ema, output, skipEval })
            command.Options.Add(o);

        command.SetAction(parse =>
        {
            var options = new LocalJobOptions
            {
                DataPath = parse.GetValue(data)!,
                Dataset = parse.GetValue(dataset),
                EvalDataPath = parse.GetValue(evalData),
                ImageSize = parse.GetValue(imageSize),
                Steps = parse.GetValue(steps),
                GlobalBatch = parse.GetValue(batch),
                TimeBudget = parse.GetValue(minutes) is > 0 and var m ? TimeSpan.FromMinutes(m) : null,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                LocalViews = parse.GetValue(localViews),
                UseEmaTeacher = parse.GetValue(ema),
                Optimizer = parse.GetValue(optimizer),
                BaseLearningRate = parse.GetValue(learningRate),
                OutputRoot = parse.GetValue(output)!,
                Evaluate = !parse.GetValue(skipEval),
            };
            try
            {
                return new LocalJob(options, Log.Logger).Run();
            }
            catch (Exception e) when (e is InvalidConfigurationException or InvalidDataException
                                          or FileNotFoundException or DirectoryNotFoundException)
            {
                Log.Error("{Message}", e.Message);
                return 2;
            }
        });
        return command;
    }
}
