using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Data;
using BamOrleans.Silo;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Bench;

/// <summary>
/// The run `bam local` trains with no options (the embedded default), as the CLI builds it:
/// TrainingConfigFactory.For with LocalJobOptions' defaults on Fashion-MNIST. Both are internal to
/// the CLI, so the values are repeated here; keep them in step.
/// </summary>
internal static class DefaultRun
{
    /// <summary>LocalJobOptions.DefaultSteps: the schedules span this many steps.</summary>
    public const long Steps = 2500;

    /// <summary>LocalJobOptions.DefaultCheckpointEvery.</summary>
    public const int CheckpointEvery = 500;

    /// <summary>LocalJobOptions.KeepCheckpoints' default.</summary>
    public const int KeepCheckpoints = 3;

    /// <summary>LocalJobOptions.DefaultDataShards.</summary>
    public const int DataShards = 8;

    /// <summary>LocalJobOptions.DefaultSilos (one slot each): the data positions name this many slots.</summary>
    public const int Slots = 2;

    public static TrainingConfig Config() => new()
    {
        Seed = 0,
        GlobalBatch = 128,
        Steps = Steps,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = 2, TargetViews = 2, UseEmaTeacher = false },
        Encoder = EncoderOptions.ForFashionMnist() with { InChannels = 1 },
        Augmentation = AugmentationOptions.ForSmallImages(28),
        Optimization = new OptimizationOptions { Optimizer = OptimizerKind.AdamW },
    };

    /// <summary>The run definition document slot 0 puts in every checkpoint (state.json).</summary>
    public static string RunDefinitionDocument(TrainingConfig config, string dataPath) =>
        RunDefinitionJson.ToSettings(new RunDefinition(config,
            new DatasetSpec(LocalDatasetProvider.FashionMnistKind, Path.GetFullPath(dataPath), 32),
            PixelNormalizer.FashionMnist.Mean, PixelNormalizer.FashionMnist.Std, DataShards)
        {
            CheckpointEverySteps = CheckpointEvery,
            KeepCheckpoints = KeepCheckpoints,
        }).Document;

    /// <summary>Data positions shaped like the pool's after step <paramref name="nextStep"/> − 1 (every
    /// shard leased, evenly advanced): as large as the real document, which is all that matters here.</summary>
    public static string DataState(long nextStep, int stepsPerEpoch)
    {
        var perShard = (int)(nextStep % stepsPerEpoch * 128 / DataShards);
        var slots = Enumerable.Range(0, Slots).Select(w => $"slot-{w}-{Guid.Empty:N}").ToArray();
        var positions = new DataPositions(nextStep - 1, (int)(nextStep / stepsPerEpoch),
            Enumerable.Repeat(perShard, DataShards).ToArray(),
            Enumerable.Range(0, DataShards).Select(s => (string?)slots[s % Slots]).ToArray(),
            Enumerable.Range(0, DataShards).Select(s => (long)s).ToArray(), DataShards, slots);
        return RunCheckpoints.EncodePositions(positions);
    }
}
