using BamOrleans.Core.Objectives;

namespace BamOrleans.Cli.Jobs;

/// <summary>The objectives a local job can train, as the command line names and shows them.</summary>
internal static class ObjectiveMethods
{
    /// <summary>Every method, in the catalogue's order (the order `bam compare` trains them).</summary>
    public static IReadOnlyList<string> All => ObjectiveCatalog.Methods;

    /// <summary>"bam, swav or pirl": the choices, for help texts and error messages.</summary>
    public static string Choices => All.Count == 1 ? All[0] : $"{string.Join(", ", All.Take(All.Count - 1))} or {All[^1]}";

    /// <summary>The method as the papers write it, for logs, titles and tables.</summary>
    public static string Title(string method) => method switch
    {
        "bam" => "BAM",
        "swav" => "SwAV",
        "pirl" => "PIRL",
        // A method added to the catalogue before this map learns its spelling still reads well.
        _ => method.ToUpperInvariant(),
    };

    /// <summary>The method <paramref name="value"/> names, in any case ("SwAV" is swav).</summary>
    public static string Normalize(string value) => value.Trim().ToLowerInvariant();

    /// <summary>Null when <paramref name="value"/> names a method; otherwise the problem, naming
    /// the option, the value as typed and the allowed values.</summary>
    public static string? Problem(string option, string value) =>
        ObjectiveCatalog.IsKnown(Normalize(value)) ? null : $"{option} {value}: unknown method; use {Choices}.";
}
