using System.CommandLine;
using BamOrleans.Cli.Jobs;
using BamOrleans.Cli.Output;
using Serilog;

namespace BamOrleans.Cli.Commands;

/// <summary>`bam local`: the embedded default — train an objective (BAM by default) on this machine, then evaluate.</summary>
internal static class LocalCommand
{
    public static Command Create()
    {
        var command = new Command("local", "Train BAM (or --method swav|pirl) on a local cluster (in-process silos) on the embedded default (Fashion-MNIST), then evaluate it beside a random encoder and raw pixels");
        var shared = LocalJobOptionSet.AddTo(command,
            "Fashion-MNIST idx folder, or an image folder with --dataset folder",
            LocalJobOptions.DefaultMinutes, "stop training after this many minutes even if steps remain (0: no limit)");
        var method = new Option<string>("--method")
        {
            Description = $"the self-supervised objective: {ObjectiveMethods.Choices}",
            DefaultValueFactory = _ => BamOrleans.Core.Objectives.Bam.BamObjective.Name,
            CustomParser = r =>
            {
                var typed = r.Tokens.Single().Value;
                if (ObjectiveMethods.Problem("--method", typed) is { } problem) r.AddError(problem);
                return ObjectiveMethods.Normalize(typed);
            },
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
        var ema = new Option<bool>("--ema") { Description = "use a momentum (EMA) teacher for targets and columns (BAM)" };
        var skipEval = new Option<bool>("--no-eval") { Description = "train only" };
        var runId = new Option<string?>("--run-id") { Description = "the run's id; a run whose checkpoints are in --store resumes from the latest (default: a new id)" };
        var store = new Option<string?>("--store") { Description = "folder the cluster checkpoints to and resumes from (default: <out>/store)" };
        var checkpointMinutes = new Option<double>("--checkpoint-minutes") { Description = "also checkpoint when this many minutes have passed since the last one (0: by steps only)" };
        var keepCheckpoints = new Option<int>("--keep-checkpoints") { Description = "complete checkpoints kept in the store", DefaultValueFactory = _ => 3 };
        var processes = new Option<bool>("--processes") { Description = "run the silos as bam-silo processes on 127.0.0.1 meeting through a redis-server this command starts" };
        var singleProcess = new Option<bool>("--single-process") { Description = "train without a cluster (the reference trainer the cluster must equal; SwAV and PIRL run as one slot)" };
        foreach (var o in new Option[] { method, dataset, evalData, imageSize, ema, skipEval, processes, singleProcess, runId, store, checkpointMinutes, keepCheckpoints })
            command.Options.Add(o);

        command.SetAction(parse => LocalJobAction.Run(parse, () =>
        {
            var options = shared.Read(parse) with
            {
                Method = parse.GetValue(method)!,
                Dataset = parse.GetValue(dataset),
                EvalDataPath = parse.GetValue(evalData),
                ImageSize = parse.GetValue(imageSize),
                UseEmaTeacher = parse.GetValue(ema),
                Evaluate = !parse.GetValue(skipEval),
                Processes = parse.GetValue(processes),
                RunId = parse.GetValue(runId),
                StoreFolder = parse.GetValue(store),
                KeepCheckpoints = parse.GetValue(keepCheckpoints),
                CheckpointMinutes = parse.GetValue(checkpointMinutes),
                SingleProcess = parse.GetValue(singleProcess),
            };
            return new LocalJob(options, Log.Logger).Run(CommandConsole.Writer(parse));
        }));
        return command;
    }
}
