namespace BamOrleans.Cli.Config;

/// <summary>One setting as written, before it is checked against the catalogue.</summary>
/// <param name="Key">The full dotted key (nested YAML maps joined with '.').</param>
/// <param name="Text">The value as written; null for an empty value (YAML null, ~ or nothing).</param>
/// <param name="Source">Where it was written.</param>
internal sealed record ConfigEntry(string Key, string? Text, ConfigSource Source)
{
    /// <summary>What the file holds there instead of a single value ("a list", "an alias"), or null
    /// for a value. Kept as an entry so that an unknown key is still reported as unknown first.</summary>
    public string? NotAValue { get; init; }
}
