using BamOrleans.Cli.Config;

namespace BamOrleans.Cli.Tests.Config;

/// <summary>Loads configs for the tests and checks the outcome the way a caller relies on it.</summary>
internal static class ConfigAssert
{
    /// <summary>A config path every silo could have, for tests that are not about the path.</summary>
    public const string DataPath = "/srv/bam/fashion-mnist";

    public static RunConfig Loads(string? yaml, params string[] overrides)
    {
        using var file = yaml is null ? null : new TempYamlFile(yaml);
        var result = RunConfigLoader.Load(file?.Path, overrides);
        Assert.True(result.Succeeded, "unexpected problems:\n" + string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        return result.Config!;
    }

    /// <summary>Loads a config that must fail: no config comes back, only its problems.</summary>
    public static IReadOnlyList<ConfigProblem> Fails(string? yaml, params string[] overrides) => Fails(yaml, out _, overrides);

    public static IReadOnlyList<ConfigProblem> Fails(string? yaml, out string? fileName, params string[] overrides)
    {
        using var file = yaml is null ? null : new TempYamlFile(yaml);
        fileName = file?.Path;
        var result = RunConfigLoader.Load(file?.Path, overrides);
        Assert.False(result.Succeeded);
        Assert.Null(result.Config);
        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.DoesNotContain('\n', p.ToString()));
        return result.Problems;
    }

    /// <summary>The only problem, which must be about <paramref name="key"/> and start by naming it.</summary>
    public static ConfigProblem SingleAbout(IReadOnlyList<ConfigProblem> problems, string key)
    {
        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.StartsWith(key, problem.Message);
        return problem;
    }
}
