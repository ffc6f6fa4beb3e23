namespace BamOrleans.Cli.Tests.Config;

/// <summary>The example run configs in the repository's configs/ folder.</summary>
internal static class ExampleConfigs
{
    public static string Folder { get; } = Find();

    public static string PathOf(string name) => Path.Combine(Folder, name);

    // The tests run from bin/…; the repository root is the first ancestor holding the solution.
    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BamOrleans.sln")))
                return Path.Combine(dir.FullName, "configs");
        throw new DirectoryNotFoundException($"no BamOrleans.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
