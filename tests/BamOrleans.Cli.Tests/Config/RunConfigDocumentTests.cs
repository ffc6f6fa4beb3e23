using System.Text.RegularExpressions;
using BamOrleans.Cli.Config;
using static BamOrleans.Cli.Tests.Config.ConfigAssert;

namespace BamOrleans.Cli.Tests.Config;

/// <summary>The effective config written back as YAML lists every key and loads to the same config.</summary>
public class RunConfigDocumentTests
{
    public static TheoryData<string[]> Configs => new()
    {
        new[] { $"data.path={DataPath}" },
        new[] { $"data.path={DataPath}", "run.id=exp-7", "cluster.silos=4", "cluster.slotsPerSilo=2", "run.steps=123456789012" },
        new[] { "data.kind=folder", "data.path=/data/my images: #1 \"best\" \\ é", "data.imageSize=160", "encoder.architecture=resnet50", "encoder.projectorOutDim=512" },
        new[] { "data.kind=store", "data.path=true", "data.imageSize=28", "data.channels=1", "objective.ema=true", "objective.epsilonFinal=0.025" },
        new[] { $"data.path={DataPath}", "optimizer.kind=lars", "optimizer.lr=0.30000000000000004", "optimizer.minLearningRate=1e-9", "checkpoint.everyMinutes=0.1" },
        new[] { $"data.path={DataPath}", "method=swav", "swav.prototypes=50", "swav.epsilon=0.03", "swav.queueLength=512", "swav.queueStartsAtStep=100" },
        new[] { $"data.path={DataPath}", "method=pirl", "pirl.negatives=1024", "pirl.lambda=0.25", "pirl.memoryMomentum=0.9" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_document_loads_back_to_the_same_config(string[] settings)
    {
        var config = Loads(null, settings);

        Assert.Equal(config, Loads(RunConfigDocument.ToYaml(config)));
        Assert.Equal(config, Loads(RunConfigDocument.ToYaml(config, withDescriptions: true)));
    }

    [Fact]
    public void The_document_sets_every_key_of_the_catalogue_once_in_nested_form()
    {
        var yaml = RunConfigDocument.ToYaml(Loads(null, $"data.path={DataPath}"));

        var reading = YamlConfigReader.Parse(yaml, "document");

        Assert.Empty(reading.Problems);
        Assert.Equal(RunConfigKeys.All.Select(k => k.Name), reading.Entries.Select(e => e.Key));
        Assert.DoesNotContain(RunConfigKeys.All, k => k.Section.Length > 0 && yaml.Contains(k.Name + ":"));
    }

    [Fact]
    public void Descriptions_are_comments_above_their_keys()
    {
        var lines = RunConfigDocument.ToYaml(Loads(null, $"data.path={DataPath}"), withDescriptions: true).TrimEnd('\n').Split('\n');

        var described = new List<string>();
        var section = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].EndsWith(':')) section = lines[i].TrimEnd(':'); // a section header
            if (lines[i].TrimStart().StartsWith('#') || lines[i].EndsWith(':')) continue;
            if (!lines[i].StartsWith(' ')) section = "";
            var name = (section.Length > 0 ? section + "." : "") + lines[i].TrimStart()[..lines[i].TrimStart().IndexOf(':')];
            Assert.Equal("# " + RunConfigKeys.Find(name)!.Description, lines[i - 1].Trim());
            described.Add(name);
        }
        Assert.Equal(RunConfigKeys.All.Select(k => k.Name), described);
    }

    [Fact]
    public void Dry_run_prints_the_method_and_every_option_of_each_objective()
    {
        var result = BamCli.Invoke(null, "run", "submit", "--dry-run",
            "--set", $"data.path={DataPath}", "--set", "method=swav", "--set", "swav.prototypes=50", "--set", "pirl.negatives=1024");

        Assert.Equal(0, result.Code);
        Assert.Contains("\nmethod: swav\nobjective:\n", result.Output);
        Assert.Contains("\nswav:\n  globalViews: 2\n  localViews: 2\n  prototypes: 50\n  epsilon: 0.05\n", result.Output);
        Assert.Contains("\npirl:\n  negatives: 1024\n  temperature: 0.07\n  lambda: 0.5\n  memoryMomentum: 0.5\n", result.Output);
        var printed = YamlConfigReader.Parse(result.Output, "dry-run").Entries.Select(e => e.Key).ToList();
        Assert.Subset(printed.ToHashSet(), RunConfigKeys.All.Where(k => k.Name == "method" || k.Section is "swav" or "pirl").Select(k => k.Name).ToHashSet());
        Assert.Equal(Loads(null, $"data.path={DataPath}", "method=swav", "swav.prototypes=50", "pirl.negatives=1024"), Loads(result.Output));
    }

    // "  # silos: 4  # …" → "  silos: 4  # …": a commented setting, not a comment in prose.
    private static readonly Regex CommentedSetting = new(@"^(\s*)# ?(?=[A-Za-z][\w.]*:(\s|$))");

    [Fact]
    public void The_fashion_mnist_example_documents_every_key_set_or_commented_at_its_default()
    {
        var path = ExampleConfigs.PathOf("fashion-mnist.yaml");
        var uncommented = string.Join('\n', File.ReadAllLines(path).Select(line => CommentedSetting.Replace(line, "$1")));

        var reading = YamlConfigReader.Parse(uncommented, path);

        Assert.Empty(reading.Problems);
        Assert.Equal(RunConfigKeys.All.Select(k => k.Name).Order(), reading.Entries.Select(e => e.Key).Order());
        // A commented setting shows the value the run has without it, but for the optional keys,
        // whose comments show an example (cluster.silos: 4) rather than "unset".
        var asWritten = Loads(File.ReadAllText(path));
        var withComments = Loads(uncommented);
        Assert.All(RunConfigKeys.All.Where(k => !k.Optional), k => Assert.Equal(k.Read(asWritten), k.Read(withComments)));
    }
}
