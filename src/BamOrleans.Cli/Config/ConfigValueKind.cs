namespace BamOrleans.Cli.Config;

/// <summary>What a run-config key's value is written as.</summary>
internal enum ConfigValueKind
{
    /// <summary>A whole number that fits an <see cref="int"/>.</summary>
    Integer,

    /// <summary>A whole number that fits a <see cref="long"/> (steps, seeds).</summary>
    LongInteger,

    /// <summary>A finite decimal number, '.' as the decimal point whatever the machine's culture.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>Free text (a path, a name).</summary>
    Text,

    /// <summary>One of a fixed list of words (<see cref="ConfigKey.Choices"/>).</summary>
    Choice,
}
