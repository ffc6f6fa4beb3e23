namespace BamOrleans.Cli.Tests.Config;

/// <summary>A run config file in the temp folder, deleted with the test.</summary>
internal sealed class TempYamlFile : IDisposable
{
    public TempYamlFile(string yaml)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bam-run-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(Path, yaml);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
