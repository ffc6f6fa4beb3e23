namespace BamOrleans.Cli.Config;

/// <summary>Where a setting was written, so a problem with it points there: a line of the config
/// file ("run.yaml:12") or a --set option.</summary>
internal sealed record ConfigSource(string Description)
{
    public static ConfigSource Set { get; } = new("--set");

    public static ConfigSource InFile(string path, long line) => new($"{path}:{line}");

    public override string ToString() => Description;
}
