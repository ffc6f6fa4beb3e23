using System.CommandLine;
using BamOrleans.Cli.Jobs;
using BamOrleans.Cli.Output;
using BamOrleans.Cli.Reporting;
using Serilog;

namespace BamOrleans.Cli.Commands;

/// <summary>
/// `bam compare`: trains each objective with the same budget on the local in-process cluster, one
/// after the other, evaluates each like `bam local`, and prints one table — k-NN, linear probe,
/// images/s, bytes per step — beside the random-encoder and raw-pixel baselines.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var command = new Command("compare",
            $"Train each objective ({string.Join(", ", ObjectiveMethods.All.Select(ObjectiveMethods.Title))}) with the same budget on Fashion-MNIST, evaluate each like `bam local`, " +
            "and print one table beside a random encoder and raw pixels; writes compare.json and compare.md to <out>/compare-<utc time>/");
        var shared = LocalJobOptionSet.AddTo(command, "Fashion-MNIST idx folder (train and test splits)",
            defaultMinutes: 0, "stop each method's training after this many minutes even if steps remain (0: no limit, every method trains --steps; a method the cap stops shows fewer steps)");
        var methods = new Option<string>("--methods")
        {
            Description = $"comma-separated objectives to train, in this order (any of {ObjectiveMethods.Choices})",
            DefaultValueFactory = _ => string.Join(',', ObjectiveMethods.All),
        };
        // Checked by the parser, so an unknown name is refused (exit 2) before any data is read.
        methods.Validators.Add(r =>
        {
            foreach (var problem in Problems(r.GetValueOrDefault<string>() ?? "")) r.AddError(problem);
        });
        var json = new Option<bool>("--json") { Description = "print the comparison as one JSON document (as compare.json) instead of the table" };
        command.Options.Add(methods);
        command.Options.Add(json);

        command.SetAction(parse => LocalJobAction.Run(parse, () =>
        {
            var document = new MethodComparison(shared.Read(parse), Split(parse.GetValue(methods)!), Log.Logger).Run();
            var output = CommandConsole.Writer(parse);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, document);
                return ExitCodes.Ok;
            }
            output.WriteLine(ComparisonTable.Caption(document));
            output.Flush();
            ComparisonTable.Write(CommandConsole.For(parse), document);
            output.WriteLine($"Comparison: {ComparisonFiles.MarkdownPath(document.Folder)}");
            output.Flush();
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>"bam, SwAV" → [bam, swav].</summary>
    private static IReadOnlyList<string> Split(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ObjectiveMethods.Normalize).ToList();

    /// <summary>What is wrong with a --methods value: no name, an unknown one (naming the allowed
    /// methods), or one named twice.</summary>
    private static IEnumerable<string> Problems(string text)
    {
        var typed = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (typed.Length == 0)
            yield return $"--methods '{text}' names no method: list one or more of {ObjectiveMethods.Choices}, separated by commas.";
        foreach (var name in typed)
            if (ObjectiveMethods.Problem("--methods", name) is { } problem)
                yield return problem;
        foreach (var repeated in Split(text).GroupBy(n => n).Where(g => g.Count() > 1))
            yield return $"--methods names {repeated.Key} {repeated.Count()} times: list each method once.";
    }
}
