using BamOrleans.Cli.Config;
using static BamOrleans.Cli.Tests.Config.ConfigAssert;

namespace BamOrleans.Cli.Tests.Config;

/// <summary>The catalogue: each key reads and writes its own setting and nothing else.</summary>
public class RunConfigKeysTests
{
    private static readonly RunConfig Defaults = Loads(null, $"data.path={DataPath}");

    // The sizing keys are covered by the loader's tests: they choose the defaults of the others.
    public static TheoryData<string> Keys => new(RunConfigKeys.All.Except(RunConfigKeys.Sizing).Select(k => k.Name));

    [Fact]
    public void Names_are_unique_and_descriptions_are_one_line()
    {
        Assert.Equal(RunConfigKeys.All.Count, RunConfigKeys.All.Select(k => k.Name).Distinct().Count());
        Assert.All(RunConfigKeys.All, k => Assert.False(string.IsNullOrWhiteSpace(k.Description) || k.Description.Contains('\n'), k.Name));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_key_changes_its_own_setting_and_no_other(string name)
    {
        var key = RunConfigKeys.Find(name)!;
        var changed = OtherValue(key, key.Read(Defaults));

        var config = Loads($"data.path: {DataPath}\n", $"{name}={ConfigValueFormatter.Format(key, changed).Trim('"')}");

        Assert.Equal(changed, key.Read(config));
        Assert.NotEqual(Defaults, config);
        // The projector sizes default by architecture (Projector_sizes_follow_the_architecture_unless_set).
        var followers = name == "encoder.architecture" ? RunConfigKeys.All.Where(k => k.Name.StartsWith("encoder.projector")) : [];
        Assert.All(RunConfigKeys.All.Where(k => k != key).Except(followers), other => Assert.Equal(other.Read(Defaults), other.Read(config)));
    }

    // A valid value other than the default, for every kind of key.
    private static object OtherValue(ConfigKey key, object? value) => value switch
    {
        null when key.Kind == ConfigValueKind.Integer => 2,
        null when key.Kind == ConfigValueKind.Number => 0.01,
        null => "other-run",
        int i => i == 0 ? 1 : i * 2,
        long l => l == 0 ? 1L : l * 2,
        double d => d == 0 ? 1.0 : d / 2,
        bool b => !b,
        string s when key.Kind == ConfigValueKind.Choice => key.Choices.First(c => c != s),
        string => "/srv/other",
        _ => throw new InvalidOperationException($"{key.Name}: no other value for {value}"),
    };
}
