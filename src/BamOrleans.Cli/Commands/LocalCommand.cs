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
        var silos = new Option<int>("--silos") { Description = "in-process silos of the local cluster", DefaultValueFactory = _ => LocalJobOptions.DefaultSilos };
        var slotsPerSilo = new Option<int>("--slots-per-silo") { Description = "worker slots on each silo (the global batch is split over silos × slots)", DefaultValueFactory = _ => 1 };
        var dataShards = new Option<int>("--data-shards") { Description = "data-shard grains the training set is cut into", DefaultValueFactory = _ => LocalJobOptions.DefaultDataShards };
        var runId = new Option<string?>("--run-id") { Description = "the run's id; a run whose checkpoints are in --store resumes from the latest (default: a new id)" };
        var store = new Option<string?>("--store") { Description = "folder the cluster checkpoints to and resumes from (default: <out>/store)" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "checkpoint every this many steps (0: never)", DefaultValueFactory = _ => LocalJobOptions.DefaultCheckpointEvery };
        var checkpointMinutes = new Option<double>("--checkpoint-minutes") { Description = "also checkpoint when this many minutes have passed since the last one (0: by steps only)" };
        var keepCheckpoints = new Option<int>("--keep-checkpoints") { Description = "complete checkpoints kept in the store", DefaultValueFactory = _ => 3 };
        var processes = new Option<bool>("--processes") { Description = "run the silos as bam-silo processes on 127.0.0.1 meeting through a redis-server this command starts" };
        var knnEvery = new Option<int>("--knn-every")
        {
            Description = "measure k-NN on a small labelled subset (5,000 memory / 1,000 query images) every this many steps, for the report's accuracy curve (0: never)",
            DefaultValueFactory = _ => LocalJobOptions.DefaultKnnEvery,
        };
        var singleProcess = new Option<bool>("--single-process") { Description = "train without a cluster (the reference trainer the cluster must equal)" };
        foreach (var (option, minimum) in new[] { (silos, 1), (slotsPerSilo, 1), (dataShards, 1), (knnEvery, 0) })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < minimum) r.AddError($"{option.Name} must be ≥ {minimum}.");
            });

        var command = new Command("local", "Train BAM on a local cluster (in-process silos) on the embedded default (Fashion-MNIST), then evaluate it beside a random encoder and raw pixels");
        foreach (var o in new Option[] { data, dataset, evalData, imageSize, steps, batch, minutes, seed, threads, localViews, optimizer, learningRate, ema, output, skipEval, silos, slotsPerSilo, dataShards, processes, singleProcess, runId, store, checkpointEvery, checkpointMinutes, keepCheckpoints, knnEvery })
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
                Silos = parse.GetValue(silos),
                SlotsPerSilo = parse.GetValue(slotsPerSilo),
                DataShards = parse.GetValue(dataShards),
                Processes = parse.GetValue(processes),
                RunId = parse.GetValue(runId),
                StoreFolder = parse.GetValue(store),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                KeepCheckpoints = parse.GetValue(keepCheckpoints),
                CheckpointMinutes = parse.GetValue(checkpointMinutes),
                SingleProcess = parse.GetValue(singleProcess),
                KnnEvery = parse.GetValue(knnEvery),
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
            catch (InvalidOperationException e)
            {
                // A run that failed on the cluster (a slot stopped, a silo could not start): the
                // reason is in the message; the logs above have the details.
                Log.Error("{Message}", e.Message);
                return 1;
            }
        });
        return command;
    }
}
