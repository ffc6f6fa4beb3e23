using BamOrleans.Cli.Config;
using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Data.Idx;
using BamOrleans.Tests.Shared;
using static BamOrleans.Cli.Tests.Config.ConfigAssert;

namespace BamOrleans.Cli.Tests.Config;

/// <summary>What a good run config loads to: the `bam local` defaults where it says nothing, its
/// settings where it does, in either YAML form, with --set on top.</summary>
public class RunConfigLoaderTests
{
    private static readonly LocalJobOptions LocalDefaults = new() { DataPath = DataPath };

    [Fact]
    public void A_file_naming_only_the_data_trains_what_bam_local_trains_on_fashion_mnist()
    {
        using var fashionMnist = new TinyFashionMnist();
        var data = FashionMnist.Load(fashionMnist.Directory, FashionMnistSplit.Train);

        var config = Loads($"data:\n  path: {DataPath}\n");

        Assert.Equal(TrainingConfigFactory.For(LocalDefaults, data), config.Training);
        Assert.Equal(new BamOrleans.Worker.Runs.DatasetSpec(RunDataKinds.FashionMnist, DataPath, data.Shape.Width), config.Dataset);
        Assert.Equal(LocalDefaults.DataShards, config.DataShards);
        Assert.Equal(new RunCheckpointSettings(LocalDefaults.CheckpointEvery, LocalDefaults.CheckpointMinutes, LocalDefaults.KeepCheckpoints), config.Checkpoints);
        Assert.Equal(LocalDefaults.SlotsPerSilo, config.SlotsPerSilo);
        Assert.Null(config.SiloLimit);
        Assert.Null(config.RunId);
    }

    [Fact]
    public void The_fashion_mnist_example_is_the_default_run()
    {
        using var fashionMnist = new TinyFashionMnist();
        var data = FashionMnist.Load(fashionMnist.Directory, FashionMnistSplit.Train);

        var result = RunConfigLoader.Load(ExampleConfigs.PathOf("fashion-mnist.yaml"), []);

        Assert.Empty(result.Problems);
        Assert.Equal(TrainingConfigFactory.For(LocalDefaults, data), result.Config!.Training);
        Assert.Equal(Loads("", $"data.path={result.Config.Dataset.Path}"), result.Config);
    }

    [Theory]
    [InlineData("fashion-mnist.yaml")]
    [InlineData("image-folder.yaml")]
    public void Every_example_config_loads_without_problems(string name)
    {
        var result = RunConfigLoader.Load(ExampleConfigs.PathOf(name), []);

        Assert.Empty(result.Problems);
        Assert.Empty(result.Config!.ToRunDefinition().Validate());
    }

    [Theory]
    [InlineData(32)]
    [InlineData(96)] // above the small-image limit: ResNet-18 and the ImageNet augmentation
    public void A_folder_run_trains_what_bam_local_trains_on_a_folder_of_that_size(int side)
    {
        var folder = new InMemoryImageDataset("folder", new ImageShape(3, side, side), new byte[3 * side * side], null, 0);

        var config = Loads(null, "data.kind=folder", "data.path=/data/images", $"data.imageSize={side}");

        Assert.Equal(TrainingConfigFactory.For(LocalDefaults, folder), config.Training);
        Assert.Equal(new BamOrleans.Worker.Runs.DatasetSpec(RunDataKinds.Folder, "/data/images", side), config.Dataset);
    }

    [Fact]
    public void Set_overrides_win_over_the_file_and_leave_its_other_settings()
    {
        var config = Loads($"data.path: {DataPath}\nbatch: 64\nobjective:\n  epsilon: 0.07\n", "batch=256", "run.seed=9");

        Assert.Equal(256, config.Training.GlobalBatch);
        Assert.Equal(9, config.Training.Seed);
        Assert.Equal(0.07, config.Training.Objective.Epsilon);
    }

    [Fact]
    public void Nested_and_dotted_keys_load_the_same_config()
    {
        var nested = Loads($"""
            run:
              id: exp-1
              steps: 900
            data:
              path: {DataPath}
              shards: 4
            objective:
              localViews: 4
              epsilon: 0.04
              ema: true
            optimizer:
              kind: lars
              lr: 0.3
            cluster:
              silos: 3
            """);
        var dotted = Loads($"""
            run.id: exp-1
            run.steps: 900
            data.path: {DataPath}
            data.shards: 4
            objective.localViews: 4
            objective.epsilon: 0.04
            objective.ema: true
            optimizer.kind: lars
            optimizer.lr: 0.3
            cluster.silos: 3
            """);
        var defaults = Loads($"data.path: {DataPath}\n");

        Assert.Equal(nested, dotted);
        Assert.NotEqual(defaults, nested);
        Assert.Equal(("exp-1", 900L, 4, 0.3, 3), (nested.RunId, nested.Training.Steps, nested.DataShards,
            nested.Training.Optimization.BaseLearningRate, nested.SiloLimit));
    }

    [Fact]
    public void The_method_and_its_options_load_into_the_training_config_nested_or_dotted()
    {
        var nested = Loads($"data.path: {DataPath}\nmethod: swav\nswav:\n  prototypes: 50\n  queueLength: 256\n");
        var dotted = Loads($"data.path: {DataPath}\nmethod: swav\nswav.prototypes: 50\nswav.queueLength: 256\n");

        Assert.Equal(nested, dotted);
        Assert.Equal("swav", nested.Training.Method);
        Assert.Equal(new SwavOptions { Prototypes = 50, QueueLength = 256 }, nested.Training.Swav);
        Assert.Equal(50, nested.Training.Model.Prototypes);
        // The other methods' options keep their defaults.
        var defaults = Loads($"data.path: {DataPath}\n");
        Assert.Equal((defaults.Training.Objective, defaults.Training.Pirl), (nested.Training.Objective, nested.Training.Pirl));
        Assert.Equal(nested, Loads(RunConfigDocument.ToYaml(nested)));
    }

    [Fact]
    public void The_default_method_is_bam()
    {
        var config = Loads(null, $"data.path={DataPath}");

        Assert.Equal("bam", config.Training.Method);
        Assert.Equal((new SwavOptions(), new PirlOptions()), (config.Training.Swav, config.Training.Pirl));
    }

    [Fact]
    public void A_set_override_changes_a_pirl_option_of_the_file()
    {
        var config = Loads($"data.path: {DataPath}\nmethod: pirl\npirl:\n  negatives: 2048\n  lambda: 0.25\n", "pirl.negatives=1024");

        Assert.Equal("pirl", config.Training.Method);
        Assert.Equal(new PirlOptions { Negatives = 1024, Lambda = 0.25 }, config.Training.Pirl);
    }

    [Fact]
    public void An_empty_section_is_not_a_problem()
    {
        var config = Loads($"data.path: {DataPath}\nobjective:\n#  epsilon: 0.1\n");

        Assert.Equal(Loads($"data.path: {DataPath}\n"), config);
    }

    [Fact]
    public void Projector_sizes_follow_the_architecture_unless_set()
    {
        var resnet = Loads(null, $"data.path={DataPath}", "encoder.architecture=resnet50");
        var narrowed = Loads(null, $"data.path={DataPath}", "encoder.architecture=resnet50", "encoder.projectorOutDim=64");

        Assert.Equal(EncoderOptions.ForImageNet(EncoderArchitecture.ResNet50) with { InChannels = 1 }, resnet.Training.Encoder);
        Assert.Equal(64, narrowed.Training.Encoder.ProjectorOutDim);
        Assert.Equal(resnet.Training.Encoder.ProjectorHiddenDim, narrowed.Training.Encoder.ProjectorHiddenDim);
    }

    [Fact]
    public void A_store_dataset_is_named_and_sized_by_the_config()
    {
        var config = Loads(null, "data.kind=store", "data.path=prepared/cifar", "data.imageSize=32", "data.channels=3");

        Assert.Equal(new BamOrleans.Worker.Runs.DatasetSpec(RunDataKinds.Store, "prepared/cifar", 32), config.Dataset);
        Assert.Equal(3, config.Training.Encoder.InChannels);
        Assert.Equal(PixelNormalizer.ImageNet.Mean, config.Normalizer.Mean);
        Assert.Equal(PixelNormalizer.ImageNet.Std, config.Normalizer.Std);
    }

    [Fact]
    public void The_run_definition_carries_every_setting_the_slots_need()
    {
        var config = Loads(null, $"data.path={DataPath}", "checkpoint.everySteps=50", "checkpoint.everyMinutes=2.5", "checkpoint.keep=5", "data.shards=16");

        var definition = config.ToRunDefinition();

        Assert.Empty(definition.Validate());
        Assert.Equal((config.Training, config.Dataset, 16, 50, 2.5, 5),
            (definition.Config, definition.Dataset, definition.DataShards, definition.CheckpointEverySteps, definition.CheckpointEveryMinutes, definition.KeepCheckpoints));
        Assert.Equal(PixelNormalizer.FashionMnist.Mean, definition.NormalizerMean);
        Assert.Equal(PixelNormalizer.FashionMnist.Std, definition.NormalizerStd);
    }
}
