using BamOrleans.Cli.Config;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Core.Training;
using static BamOrleans.Cli.Tests.Config.ConfigAssert;

namespace BamOrleans.Cli.Tests.Config;

/// <summary>Every kind of bad run config gives one line per problem that names the key and the
/// fix, and no config.</summary>
public class RunConfigProblemTests
{
    private static readonly string PathSetting = $"data.path={DataPath}";

    [Theory]
    [InlineData("objective.epsilom", "objective.epsilon")]
    [InlineData("epsilon", "objective.epsilon")]
    [InlineData("lr", "optimizer.lr")]
    [InlineData("Batch", "batch")]
    [InlineData("run.step", "run.steps")]
    [InlineData("checkpoint.every", "checkpoint.everySteps")]
    public void An_unknown_key_is_named_with_the_nearest_known_key(string written, string nearest)
    {
        var problem = SingleAbout(Fails(null, PathSetting, $"{written}=1"), written);

        Assert.Contains($"did you mean {nearest}?", problem.Message);
        Assert.Equal(ConfigSource.Set, problem.Where);
    }

    [Fact]
    public void An_unknown_key_in_the_file_names_the_file_and_line()
    {
        var problems = Fails($"data:\n  path: {DataPath}\nobjective:\n  epsilom: 0.1\n", out var file);

        var problem = SingleAbout(problems, "objective.epsilom");
        Assert.Equal(ConfigSource.InFile(file!, 4), problem.Where);
        Assert.StartsWith($"{file}:4: objective.epsilom", problem.ToString());
    }

    [Fact]
    public void A_key_written_as_a_section_says_it_takes_one_value()
    {
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nbatch:\n  size: 64\n"), "batch.size");

        Assert.Contains("batch takes one value", problem.Message);
    }

    [Fact]
    public void A_section_given_a_value_says_to_set_its_keys()
    {
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nobjective: 3\n"), "objective");

        Assert.Contains("is a section", problem.Message);
        Assert.Contains("objective.", problem.Message);
    }

    [Fact]
    public void A_list_where_a_value_belongs_is_a_problem_of_that_key()
    {
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nbatch: [64, 128]\n"), "batch");

        Assert.Contains("is a list: give it one value", problem.Message);
    }

    [Theory]
    [InlineData("batch", "abc", "'abc' is not an integer: use a whole number such as")]
    [InlineData("batch", "3000000000", "between")]
    [InlineData("run.steps", "1.5", "'1.5' is not an integer")]
    [InlineData("objective.epsilon", "small", "'small' is not a finite number: use a decimal number such as")]
    [InlineData("objective.epsilon", "NaN", "is not a finite number")]
    [InlineData("objective.epsilon", "0,05", "with '.' as the decimal point")]
    [InlineData("objective.ema", "yes", "'yes' is not true or false: use true or false")]
    public void A_value_of_the_wrong_type_names_the_key_and_what_to_write(string key, string value, string fix)
    {
        var problem = SingleAbout(Fails(null, PathSetting, $"{key}={value}"), key);

        Assert.Contains(fix, problem.Message);
    }

    [Fact]
    public void The_type_problem_suggests_the_default_as_an_example()
    {
        var defaults = Loads(null, PathSetting);

        var problem = SingleAbout(Fails(null, PathSetting, "batch=abc"), "batch");

        Assert.Equal($"batch: 'abc' is not an integer: use a whole number such as {defaults.Training.GlobalBatch}.", problem.Message);
    }

    [Fact]
    public void An_unknown_choice_lists_the_allowed_ones()
    {
        var problems = Fails(null, PathSetting, "optimizer.kind=sgd", "encoder.architecture=vit", "data.kind=parquet");

        Assert.Equal(3, problems.Count);
        Assert.Contains(string.Join(", ", Enum.GetNames<OptimizerKind>().Select(n => n.ToLowerInvariant())),
            Assert.Single(problems, p => p.Key == "optimizer.kind").Message);
        Assert.Contains(string.Join(", ", Enum.GetNames<EncoderArchitecture>().Select(n => n.ToLowerInvariant())),
            Assert.Single(problems, p => p.Key == "encoder.architecture").Message);
        Assert.Contains(string.Join(", ", RunDataKinds.All), Assert.Single(problems, p => p.Key == "data.kind").Message);
    }

    [Fact]
    public void A_choice_is_read_without_regard_to_case()
    {
        var config = Loads(null, PathSetting, "optimizer.kind=LARS", "encoder.architecture=ResNet18");

        Assert.Equal(OptimizerKind.Lars, config.Training.Optimization.Optimizer);
        Assert.Equal(EncoderArchitecture.ResNet18, config.Training.Encoder.Architecture);
    }

    [Theory]
    [InlineData("batch128")]
    [InlineData("=128")]
    [InlineData(" = 128")]
    public void A_set_without_a_key_and_equals_sign_says_how_to_write_it(string argument)
    {
        var problem = Assert.Single(Fails(null, PathSetting, argument));

        Assert.Null(problem.Key);
        Assert.Equal(ConfigSource.Set, problem.Where);
        Assert.Contains($"'{argument}' is not key=value", problem.Message);
        Assert.Contains("e.g. --set batch=256", problem.Message);
    }

    [Fact]
    public void A_key_set_twice_in_the_file_nested_and_dotted_names_both_lines()
    {
        var problems = Fails($"data.path: {DataPath}\nobjective:\n  epsilon: 0.1\nobjective.epsilon: 0.2\n", out var file);

        var problem = SingleAbout(problems, "objective.epsilon");
        Assert.Equal(ConfigSource.InFile(file!, 4), problem.Where);
        Assert.Contains("set twice (first on line 3", problem.Message);
        Assert.Contains("keep one", problem.Message);
    }

    [Fact]
    public void A_key_set_twice_with_set_names_both_values()
    {
        var problem = SingleAbout(Fails(null, PathSetting, "batch=64", "batch=128"), "batch");

        Assert.Contains("'64', then '128'", problem.Message);
        Assert.Contains("keep one", problem.Message);
    }

    [Fact]
    public void A_yaml_syntax_error_names_the_file_and_line_and_nothing_is_guessed_past_it()
    {
        // Line 3 is indented deeper than its sibling: not valid YAML. data.path is never reached,
        // and must not be reported missing.
        var problems = Fails("objective:\n  epsilon: 0.1\n   temperature: 0.2\ndata.path: /srv/x\n", out var file);

        var problem = Assert.Single(problems);
        Assert.Null(problem.Key);
        Assert.StartsWith("YAML syntax error: ", problem.Message);
        Assert.Contains("Fix the syntax there", problem.Message);
        Assert.Equal(ConfigSource.InFile(file!, 3), problem.Where);
    }

    [Theory]
    [InlineData("- batch\n- 128\n", 1, "the file is not a map of settings")]
    [InlineData("batch: 128\n---\ndata.path: /srv/x\n", 2, "keep one document per run config")]
    public void A_file_that_is_not_one_map_of_settings_says_so_and_nothing_else(string yaml, int line, string fix)
    {
        // Settings the file holds but were not read (data.path here) must not be reported missing.
        var problem = Assert.Single(Fails(yaml, out var file));

        Assert.Null(problem.Key);
        Assert.Contains(fix, problem.Message);
        Assert.Equal(ConfigSource.InFile(file!, line), problem.Where);
    }

    [Fact]
    public void A_value_holding_a_line_break_is_echoed_on_one_line()
    {
        // A block scalar: the value is "12\n8\n". ConfigAssert.Fails checks every problem is one line.
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nbatch: |\n  12\n  8\n"), "batch");

        Assert.Contains("'12\\n8\\n' is not an integer", problem.Message);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_one_problem_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"bam-missing-{Guid.NewGuid():N}.yaml");

        var result = RunConfigLoader.Load(missing, [PathSetting]);

        var problem = Assert.Single(result.Problems);
        Assert.Null(result.Config);
        Assert.Contains(missing, problem.Message);
        Assert.Contains("check the path", problem.Message);
    }

    [Theory]
    [InlineData("objective.targetViews=5", "objective.targetViews", "set objective.targetViews ≤ objective.globalViews+objective.localViews")]
    [InlineData("objective.globalViews=0", "objective.globalViews", "set objective.globalViews ≥ 1")]
    [InlineData("objective.localViews=-1", "objective.localViews", "set objective.localViews ≥ 0")]
    [InlineData("objective.epsilon=0", "objective.epsilon", "set objective.epsilon > 0")]
    [InlineData("objective.epsilon=-0.5", "objective.epsilon", "set objective.epsilon > 0")]
    [InlineData("objective.epsilonFinal=0", "objective.epsilonFinal", "set objective.epsilonFinal > 0 or leave it unset")]
    [InlineData("objective.epsilonWarmupEpochs=-1", "objective.epsilonWarmupEpochs", "set objective.epsilonWarmupEpochs ≥ 0")]
    [InlineData("objective.temperature=0", "objective.temperature", "set objective.temperature > 0")]
    [InlineData("objective.sinkhornIterations=0", "objective.sinkhornIterations", "set objective.sinkhornIterations ≥ 1")]
    [InlineData("objective.topK=-1", "objective.topK", "set objective.topK = 0 to keep all columns")]
    [InlineData("objective.topK=100000", "objective.topK", "lower objective.topK or raise batch")]
    [InlineData("batch=1", "batch", "use ≥ 2")]
    [InlineData("run.steps=0", "run.steps", "must be ≥ 1")]
    [InlineData("run.steps=-3", "run.steps", "must be ≥ 1")]
    [InlineData("optimizer.lr=0 optimizer.minLearningRate=0", "optimizer.lr", "must be > 0")]
    [InlineData("optimizer.minLearningRate=1", "optimizer.minLearningRate", "must be in [0, optimizer.lr]")]
    [InlineData("optimizer.warmupSteps=-1", "optimizer.warmupSteps", "must be ≥ 0")]
    [InlineData("optimizer.gradientClip=-1", "optimizer.gradientClip", "must be ≥ 0 (0 turns clipping off)")]
    [InlineData("optimizer.emaMomentum=2", "optimizer.emaMomentum", "must be in [0, 1]")]
    [InlineData("encoder.width=0", "encoder.width", "use a positive base width")]
    [InlineData("encoder.smallBlocksPerStage=0", "encoder.smallBlocksPerStage", "use 1 (default, fastest) or more")]
    [InlineData("encoder.projectorHiddenDim=0", "encoder.projectorHiddenDim", "use a positive size")]
    [InlineData("encoder.projectorOutDim=0", "encoder.projectorOutDim", "use a positive size")]
    [InlineData("encoder.projectorLayers=0", "encoder.projectorLayers", "use 1 or more")]
    [InlineData("data.shards=0", "data.shards", "must be ≥ 1")]
    [InlineData("checkpoint.everySteps=-1", "checkpoint.everySteps", "must be ≥ 0 (0 turns checkpoints off)")]
    [InlineData("checkpoint.everyMinutes=-1", "checkpoint.everyMinutes", "must be a finite number ≥ 0")]
    [InlineData("checkpoint.keep=0", "checkpoint.keep", "keep at least 1")]
    [InlineData("cluster.slotsPerSilo=0", "cluster.slotsPerSilo", "use at least 1")]
    [InlineData("cluster.silos=0", "cluster.silos", "leave it unset to use every active silo")]
    [InlineData("run.id=a/b", "run.id", "use letters, digits")]
    [InlineData("data.imageSize=32", "data.imageSize", "set it to 28 or remove it")]
    [InlineData("data.channels=3", "data.channels", "set it to 1 or remove it")]
    [InlineData("data.path=fashion-mnist", "data.path", "give an absolute path")]
    [InlineData("method=swav swav.globalViews=1", "swav.globalViews", "set swav.globalViews ≥ 2")]
    [InlineData("method=swav swav.localViews=-1", "swav.localViews", "set swav.localViews ≥ 0")]
    [InlineData("method=swav swav.prototypes=1", "swav.prototypes", "set swav.prototypes ≥ 2")]
    [InlineData("method=swav swav.epsilon=0", "swav.epsilon", "set swav.epsilon > 0")]
    [InlineData("method=swav swav.sinkhornIterations=0", "swav.sinkhornIterations", "set swav.sinkhornIterations ≥ 1")]
    [InlineData("method=swav swav.temperature=-0.1", "swav.temperature", "set swav.temperature > 0")]
    [InlineData("method=swav swav.freezePrototypesSteps=-1", "swav.freezePrototypesSteps", "set swav.freezePrototypesSteps ≥ 0")]
    [InlineData("method=swav swav.queueLength=-1", "swav.queueLength", "set swav.queueLength = 0 for no queue")]
    [InlineData("method=swav swav.queueStartsAtStep=-1", "swav.queueStartsAtStep", "set swav.queueStartsAtStep ≥ 0")]
    [InlineData("method=pirl pirl.negatives=0", "pirl.negatives", "set pirl.negatives ≥ 1")]
    [InlineData("method=pirl pirl.temperature=0", "pirl.temperature", "set pirl.temperature > 0")]
    [InlineData("method=pirl pirl.lambda=1.5", "pirl.lambda", "set pirl.lambda in [0, 1]")]
    [InlineData("method=pirl pirl.memoryMomentum=1", "pirl.memoryMomentum", "set pirl.memoryMomentum in [0, 1)")]
    public void An_impossible_value_is_reported_under_its_key_with_the_fix(string settings, string key, string fix)
    {
        var overrides = settings.Split(' ');
        var problem = SingleAbout(Fails(null, overrides.Any(s => s.StartsWith("data.path=")) ? overrides : [PathSetting, .. overrides]), key);

        Assert.Contains(fix, problem.Message);
        Assert.Equal(ConfigSource.Set, problem.Where);
    }

    [Fact]
    public void An_unknown_method_is_one_problem_on_the_method_key_listing_the_methods()
    {
        var problems = Fails($"data.path: {DataPath}\nmethod: simclr\n", out var file);

        var problem = SingleAbout(problems, "method");
        Assert.Contains("'simclr' is not a known value", problem.Message);
        Assert.Contains("use one of " + string.Join(", ", ObjectiveCatalog.Methods), problem.Message);
        Assert.Equal(ConfigSource.InFile(file!, 2), problem.Where);
    }

    [Theory]
    [InlineData("method: swav\nswav:\n  epsilon: 0\n", 4, "swav.epsilon", "swav.epsilon = 0 must be a positive finite number: set swav.epsilon > 0")]
    [InlineData("method: pirl\npirl.lambda: 2\n", 3, "pirl.lambda", "pirl.lambda = 2 is outside [0, 1]: set pirl.lambda in [0, 1]")]
    public void An_invalid_option_of_the_method_names_its_key_and_line(string yaml, int line, string key, string message)
    {
        var problems = Fails($"data.path: {DataPath}\n{yaml}", out var file);

        var problem = SingleAbout(problems, key);
        Assert.StartsWith(message, problem.Message);
        Assert.Equal(ConfigSource.InFile(file!, line), problem.Where);
        Assert.StartsWith($"{file}:{line}: {key} = ", problem.ToString());
    }

    [Fact]
    public void Every_problem_of_the_objectives_options_is_translated_to_the_key_it_names()
    {
        // Every rule broken at once; PIRL's view counts are fixed and have no keys.
        var swav = new SwavOptions
        {
            GlobalViews = 1, LocalViews = -1, Prototypes = 1, Epsilon = 0, SinkhornIterations = 0,
            Temperature = 0, FreezePrototypesSteps = -1, QueueLength = -1, QueueStartsAtStep = -1,
        };
        var pirl = new PirlOptions { Negatives = 0, Temperature = 0, Lambda = 2, MemoryMomentum = 1 };
        var messages = swav.Validate().Concat(pirl.Validate()).Append(ObjectiveCatalog.Unknown("simclr")).ToList();
        Assert.Equal(9 + 4 + 1, messages.Count);

        foreach (var message in messages)
        {
            var problem = CoreProblemTranslator.Translate(message, _ => false);
            var named = message[..message.IndexOf(" = ", StringComparison.Ordinal)];
            Assert.NotNull(RunConfigKeys.Find(named));
            Assert.Equal(named, problem.Key);
            Assert.Equal(message, problem.Message);
        }
    }

    [Fact]
    public void The_options_of_another_method_do_not_make_the_key_name_steps()
    {
        // "swav.freezePrototypesSteps" and "swav.queueStartsAtStep" hold "Steps" and "Step"; only
        // the whole name steps (run.steps) may be translated.
        var problem = CoreProblemTranslator.Translate(new SwavOptions { FreezePrototypesSteps = -1 }.Validate().Single(), _ => false);

        Assert.Equal("swav.freezePrototypesSteps", problem.Key);
        Assert.DoesNotContain("run.steps", problem.Message);
    }

    [Fact]
    public void A_problem_naming_two_keys_is_about_the_one_that_was_set()
    {
        var problem = Assert.Single(Fails(null, PathSetting, "optimizer.weightDecayEnd=-1"));

        Assert.Equal("optimizer.weightDecayEnd", problem.Key);
        Assert.Equal(ConfigSource.Set, problem.Where);
        Assert.Contains("optimizer.weightDecay / optimizer.weightDecayEnd: must be ≥ 0", problem.Message);
    }

    [Fact]
    public void An_empty_run_id_says_to_leave_it_unset()
    {
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nrun:\n  id: \"\"\n"), "run.id");

        Assert.Contains("leave run.id unset for a new id", problem.Message);
    }

    [Fact]
    public void A_batch_that_does_not_split_over_a_silos_slots_names_a_multiple_that_does()
    {
        var problem = SingleAbout(Fails(null, PathSetting, "batch=100", "cluster.slotsPerSilo=8"), "batch");

        Assert.Contains("use a multiple of 8, e.g. 104", problem.Message);
    }

    [Theory]
    [InlineData("data.kind=store", "data.imageSize=0", "data.channels=1", "data.imageSize", "at least 1")]
    [InlineData("data.kind=store", "data.imageSize=28", "data.channels=2", "data.channels", "use 1 for grayscale or 3 for RGB")]
    [InlineData("data.kind=store", "data.imageSize=28", "data.channels=0", "data.channels", "use 1 (grayscale) or 3 (RGB)")]
    [InlineData("data.kind=folder", "data.imageSize=-4", "data.channels=3", "data.imageSize", "at least 1")]
    [InlineData("data.kind=folder", "data.imageSize=64", "data.channels=1", "data.channels", "set it to 3 or remove it")]
    public void An_impossible_image_shape_is_reported_under_its_key(string kind, string size, string channels, string key, string fix)
    {
        var problem = SingleAbout(Fails(null, "data.path=/data/images", kind, size, channels), key);

        Assert.Contains(fix, problem.Message);
    }

    [Theory]
    [InlineData("fashion-mnist", "e.g. data.path: /usr/share/datasets/fashion-mnist")]
    [InlineData("folder", "e.g. data.path: /data/images")]
    [InlineData("store", "the name of the dataset prepared in the blob store")]
    public void A_missing_data_path_is_reported_with_an_example(string kind, string fix)
    {
        var sized = kind == "store" ? new[] { "data.imageSize=28", "data.channels=1" } : [];

        var problem = SingleAbout(Fails(null, [$"data.kind={kind}", .. sized]), "data.path");

        Assert.StartsWith("data.path is missing: ", problem.Message);
        Assert.Contains(fix, problem.Message);
    }

    [Fact]
    public void A_store_dataset_must_state_its_image_shape()
    {
        var problems = Fails(null, "data.kind=store", "data.path=prepared/fmnist");

        Assert.Equal(["data.imageSize", "data.channels"], problems.Select(p => p.Key));
        Assert.All(problems, p => Assert.Contains("is missing: data.kind store needs", p.Message));
    }

    [Fact]
    public void A_required_key_given_no_value_says_to_give_one()
    {
        var problem = SingleAbout(Fails($"data.path: {DataPath}\nbatch:\n"), "batch");

        Assert.Contains("batch has no value: give one", problem.Message);
    }

    [Fact]
    public void Every_problem_is_collected_not_just_the_first()
    {
        var problems = Fails("data:\n  path: relative/images\nbatch: abc\nobjective:\n  epsilom: 0.1\n",
            "nonsense", "objective.targetViews=9", "optimizer.kind=sgd");

        Assert.Equal(
            new string?[] { "batch", "objective.epsilom", null, "optimizer.kind", "data.path", "objective.targetViews" }.Order(),
            problems.Select(p => p.Key).Order());
    }

    [Fact]
    public void Failed_loads_throw_every_problem_as_one_invalid_configuration()
    {
        using var file = new TempYamlFile("batch: abc\n");
        var result = RunConfigLoader.Load(file.Path, ["run.steps=0"]);

        var thrown = Assert.Throws<InvalidConfigurationException>(() => result.OrThrow());

        Assert.Equal(result.Problems.Select(p => p.ToString()), thrown.Problems);
    }
}
