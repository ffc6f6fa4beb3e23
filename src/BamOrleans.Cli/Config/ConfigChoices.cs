namespace BamOrleans.Cli.Config;

/// <summary>Enum settings as the words a config writes: the member names in lower case
/// ("adamw", "resnet18"), read back without regard to case.</summary>
internal static class ConfigChoices
{
    public static IReadOnlyList<string> Of<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(Word).ToList();

    public static string Word<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The member a word of <see cref="Of{TEnum}"/> names (the parser has already checked it is one).</summary>
    public static TEnum Member<TEnum>(object? word) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>((string)word!, ignoreCase: true);
}
