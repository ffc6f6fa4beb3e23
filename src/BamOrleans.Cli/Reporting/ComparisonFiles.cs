using BamOrleans.Cli.Jobs;
using BamOrleans.Cli.Output;

namespace BamOrleans.Cli.Reporting;

/// <summary>Writes a comparison's compare.json (the document `--json` prints) and compare.md (its table as Markdown).</summary>
internal static class ComparisonFiles
{
    public static string JsonPath(string folder) => Path.Combine(folder, MethodComparison.JsonFile);

    public static string MarkdownPath(string folder) => Path.Combine(folder, MethodComparison.MarkdownFile);

    public static void Write(string folder, ComparisonDocument document)
    {
        using (var json = new StreamWriter(JsonPath(folder)))
            JsonOutput.Write(json, document);
        File.WriteAllText(MarkdownPath(folder), ComparisonTable.Markdown(document));
    }
}
