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
}
