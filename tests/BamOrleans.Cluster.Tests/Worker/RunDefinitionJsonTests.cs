using BamOrleans.Checkpoints;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Runs;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cluster.Tests.Worker;

/// <summary>The run definition is the one document every slot builds its replica from: it must
/// come back from the run grain exactly as the client wrote it, and a bad one must be refused
/// with the reason before any slot trains.</summary>
public sealed class RunDefinitionJsonTests
{
    private static RunDefinition Definition() => new(
        new TrainingConfig
        {
            Seed = 5,
            GlobalBatch = 64,
            Steps = 123,
            Objective = new BamOptions { LocalViews = 2, TopK = 7, UseEmaTeacher = true, EpsilonFinal = 0.07 },
            Augmentation = AugmentationOptions.ForSmallImages(20) with { GlobalScale = (0.31, 0.97) },
            Optimization = new OptimizationOptions { Optimizer = OptimizerKind.Lars, BaseLearningRate = 0.3 },
        },
        new DatasetSpec("fashion-mnist", "/data/fmnist", 28), [0.5f], [0.25f], DataShards: 6);

    [Fact]
    public void A_definition_survives_the_round_trip_through_run_settings()
    {
        var settings = RunDefinitionJson.ToSettings(Definition());
        var back = RunDefinitionJson.FromSettings(settings);
        Assert.Equal(settings.Document, RunDefinitionJson.ToSettings(back).Document);
        Assert.Equal((0.31, 0.97), back.Config.Augmentation.GlobalScale);
        Assert.Equal(OptimizerKind.Lars, back.Config.Optimization.Optimizer);
        Assert.Equal(7, back.Config.Objective.TopK);
        Assert.Equal(0.07, back.Config.Objective.EpsilonFinal);
        Assert.Equal(Definition().Config.Augmentation with { Blur = back.Config.Augmentation.Blur }, back.Config.Augmentation);
    }

    [Fact]
    public void Another_format_is_refused_with_the_fix()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => RunDefinitionJson.FromSettings(new RunSettings("yaml", "steps: 3")));
        Assert.Contains("same release", e.Message);
    }

    [Fact]
    public void A_corrupt_document_is_refused_not_half_read()
    {
        var document = RunDefinitionJson.ToSettings(Definition()).Document;
        var e = Assert.Throws<InvalidConfigurationException>(() =>
            RunDefinitionJson.FromSettings(new RunSettings(RunDefinitionJson.Format, document[..(document.Length / 2)])));
        Assert.Contains("not a valid run definition", e.Message);
    }

    [Fact]
    public void An_invalid_config_is_refused_with_every_problem()
    {
        var bad = Definition() with { DataShards = 0, Config = Definition().Config with { GlobalBatch = 1 } };
        var e = Assert.Throws<InvalidConfigurationException>(() => RunDefinitionJson.FromSettings(RunDefinitionJson.ToSettings(bad)));
        Assert.Contains(e.Problems, p => p.Contains("dataShards"));
        Assert.Contains(e.Problems, p => p.Contains("globalBatch"));
    }

    [Fact]
    public void Checkpoint_settings_are_checked_and_make_the_policy()
    {
        var timed = Definition() with { CheckpointEveryMinutes = 2.5, CheckpointEverySteps = 0 };
        Assert.True(timed.Checkpoints);
        Assert.Equal(new CheckpointPolicy(0, TimeSpan.FromMinutes(2.5), 3), timed.CheckpointPolicy);
        Assert.Equal(2.5, RunDefinitionJson.FromSettings(RunDefinitionJson.ToSettings(timed)).CheckpointEveryMinutes);
        Assert.False((Definition() with { CheckpointEverySteps = 0 }).Checkpoints);

        var bad = Definition() with { CheckpointEveryMinutes = -1, CheckpointEverySteps = -2, KeepCheckpoints = 0 };
        var problems = bad.Validate();
        Assert.Contains(problems, p => p.StartsWith("checkpointEveryMinutes = -1"));
        Assert.Contains(problems, p => p.StartsWith("checkpointEverySteps = -2"));
        Assert.Contains(problems, p => p.StartsWith("keepCheckpoints = 0"));
    }
}
