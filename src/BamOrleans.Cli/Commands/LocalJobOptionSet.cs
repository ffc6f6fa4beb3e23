using System.CommandLine;
using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Commands;

/// <summary>
/// The options of a local training job that `bam local` and `bam compare` share — the data, the
/// budget (steps, batch, time), the seed, the optimiser and the local cluster's shape — defined
/// once so both commands read them the same way and a comparison's budget means what a local
/// run's does.
/// </summary>
internal sealed class LocalJobOptionSet
{
    private readonly Option<string> _data;
    private readonly Option<long> _steps = new("--steps") { Description = "training steps (the schedules span exactly this many)", DefaultValueFactory = _ => LocalJobOptions.DefaultSteps };
    private readonly Option<int> _batch = new("--batch") { Description = "images per step", DefaultValueFactory = _ => 128 };
    private readonly Option<double> _minutes;
    private readonly Option<long> _seed = new("--seed") { Description = "seed of weights, sampling and augmentations", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _threads = new("--threads") { Description = "CPU threads for tensor math", DefaultValueFactory = _ => Environment.ProcessorCount };
    private readonly Option<int> _localViews = new("--local-views")
    {
        Description = "local (small) crops per image beside the 2 global views, for BAM and SwAV's multi-crop; PIRL takes exactly 2 views and no local crops, so it does not apply to PIRL",
        DefaultValueFactory = _ => LocalJobOptions.DefaultLocalViews,
    };
    private readonly Option<OptimizerKind> _optimizer = new("--optimizer") { Description = "AdamW (default) or Lars", DefaultValueFactory = _ => OptimizerKind.AdamW };
    private readonly Option<double> _learningRate = new("--lr") { Description = "base learning rate per 256 images", DefaultValueFactory = _ => new OptimizationOptions().BaseLearningRate };
    private readonly Option<string> _output = new("--out") { Description = "folder for this run's outputs", DefaultValueFactory = _ => "runs" };
    private readonly Option<int> _silos = new("--silos") { Description = "in-process silos of the local cluster", DefaultValueFactory = _ => LocalJobOptions.DefaultSilos };
    private readonly Option<int> _slotsPerSilo = new("--slots-per-silo") { Description = "worker slots on each silo (the global batch is split over silos × slots)", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _dataShards = new("--data-shards") { Description = "data-shard grains the training set is cut into", DefaultValueFactory = _ => LocalJobOptions.DefaultDataShards };
    private readonly Option<int> _checkpointEvery = new("--checkpoint-every") { Description = "checkpoint every this many steps (0: never)", DefaultValueFactory = _ => LocalJobOptions.DefaultCheckpointEvery };
    private readonly Option<int> _knnEvery = new("--knn-every")
    {
        Description = "measure k-NN on a small labelled subset (5,000 memory / 1,000 query images) every this many steps, for the report's accuracy curve (0: never)",
        DefaultValueFactory = _ => LocalJobOptions.DefaultKnnEvery,
    };

    private LocalJobOptionSet(string dataDescription, double defaultMinutes, string minutesDescription)
    {
        _data = new Option<string>("--data") { Description = dataDescription, DefaultValueFactory = _ => BamOrleans.Data.Idx.FashionMnist.DefaultDirectory };
        _minutes = new Option<double>("--minutes") { Description = minutesDescription, DefaultValueFactory = _ => defaultMinutes };
        foreach (var (option, minimum) in new[] { (_threads, 1), (_silos, 1), (_slotsPerSilo, 1), (_dataShards, 1), (_knnEvery, 0), (_checkpointEvery, 0) })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < minimum) r.AddError($"{option.Name} must be ≥ {minimum}.");
            });
        _minutes.Validators.Add(r =>
        {
            if (!(r.GetValueOrDefault<double>() >= 0)) r.AddError("--minutes must be ≥ 0 (0: no limit).");
        });
    }

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    /// <param name="dataDescription">What --data names for this command.</param>
    /// <param name="defaultMinutes">The time cap by default (0: none).</param>
    /// <param name="minutesDescription">What --minutes caps for this command.</param>
    public static LocalJobOptionSet AddTo(Command command, string dataDescription, double defaultMinutes, string minutesDescription)
    {
        var set = new LocalJobOptionSet(dataDescription, defaultMinutes, minutesDescription);
        foreach (var option in new Option[]
                 {
                     set._data, set._steps, set._batch, set._minutes, set._seed, set._threads, set._localViews, set._optimizer, set._learningRate,
                     set._output, set._silos, set._slotsPerSilo, set._dataShards, set._checkpointEvery, set._knnEvery,
                 })
            command.Options.Add(option);
        return set;
    }

    /// <summary>The job the shared options describe; a command adds its own choices with <c>with</c>.</summary>
    public LocalJobOptions Read(ParseResult parse) => new()
    {
        DataPath = parse.GetValue(_data)!,
        Steps = parse.GetValue(_steps),
        GlobalBatch = parse.GetValue(_batch),
        TimeBudget = parse.GetValue(_minutes) is > 0 and var m ? TimeSpan.FromMinutes(m) : null,
        Seed = parse.GetValue(_seed),
        Threads = parse.GetValue(_threads),
        LocalViews = parse.GetValue(_localViews),
        Optimizer = parse.GetValue(_optimizer),
        BaseLearningRate = parse.GetValue(_learningRate),
        OutputRoot = parse.GetValue(_output)!,
        Silos = parse.GetValue(_silos),
        SlotsPerSilo = parse.GetValue(_slotsPerSilo),
        DataShards = parse.GetValue(_dataShards),
        CheckpointEvery = parse.GetValue(_checkpointEvery),
        KnnEvery = parse.GetValue(_knnEvery),
    };
}
