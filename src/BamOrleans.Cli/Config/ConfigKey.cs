namespace BamOrleans.Cli.Config;

/// <summary>
/// One setting of a run config: its dotted name, what it takes, what it means, and how it reads
/// from and writes into a <see cref="RunConfig"/>. Its default is whatever the base config of the
/// run's data holds (see <see cref="RunConfigDefaults"/>), so defaults live in one place.
/// </summary>
/// <param name="Name">Dotted key, e.g. "objective.epsilon"; nested YAML maps spell the same key.</param>
/// <param name="Kind">What the value is written as.</param>
/// <param name="Description">One line for the documentation and the rendered document.</param>
/// <param name="Read">The key's value in a config (null for an optional key that is unset).</param>
/// <param name="Write">The config with this key set to a value already parsed for <paramref name="Kind"/>.</param>
internal sealed record ConfigKey(
    string Name,
    ConfigValueKind Kind,
    string Description,
    Func<RunConfig, object?> Read,
    Func<RunConfig, object?, RunConfig> Write)
{
    /// <summary>The allowed words of a <see cref="ConfigValueKind.Choice"/> key, as written in configs.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Whether the key may be left unset (null): the run then decides (a new run id, all silos).</summary>
    public bool Optional { get; init; }

    /// <summary>
    /// How the Core's Validate() messages spell this setting, as "group:Token" where group is the
    /// prefix TrainingConfig.Validate puts before a component's problems ("objective",
    /// "encoder", "augmentation") or empty for problems of the config, the optimizer and the run
    /// definition. Lets every Core problem be reported under the key the user wrote.
    /// </summary>
    public IReadOnlyList<string> CoreNames { get; init; } = [];

    /// <summary>The section before the last dot ("objective" for "objective.epsilon"), or "" for a top-level key.</summary>
    public string Section => Name.Contains('.') ? Name[..Name.LastIndexOf('.')] : "";

    /// <summary>The part after the last dot ("epsilon" for "objective.epsilon").</summary>
    public string Leaf => Name[(Name.LastIndexOf('.') + 1)..];
}
