using System.Globalization;
using System.Text;
using BamOrleans.Cli.Jobs;
using Spectre.Console;

namespace BamOrleans.Cli.Reporting;

/// <summary>
/// The comparison as a table — one row per method, then the two baselines — for the console and
/// as Markdown for the README. Both come from the same cells, so they show the same numbers.
/// </summary>
internal static class ComparisonTable
{
    private const string None = "–";

    private static readonly Core.Evaluation.KnnOptions Knn = new();

    public static readonly string[] Columns =
    [
        "method", "k-NN top-1 %", "linear probe %", "images/s", "objective bytes/step/slot", "total bytes/step/slot", "final loss", "training s", "steps",
    ];

    /// <summary>The rows' cells, in <see cref="Columns"/> order: methods, then baselines (their
    /// training columns empty).</summary>
    public static IReadOnlyList<string[]> Cells(ComparisonDocument document) =>
    [
        .. document.Methods.Select(m => new[]
        {
            m.Title, Percent(m.KnnTop1Percent), Percent(m.LinearProbeTop1Percent), Number(m.ImagesPerSecond, "N0"),
            Number(m.ObjectiveBytesPerStep, "N0"), Number(m.TotalBytesPerStep, "N0"), Number(m.FinalLoss, "F4"),
            Number(m.TrainingSeconds, "F1"), m.Steps.ToString("N0", CultureInfo.InvariantCulture),
        }),
        .. document.Baselines.Select(b => new[]
        {
            b.Name, Percent(b.KnnTop1Percent), Percent(b.LinearProbeTop1Percent), None, None, None, None, None, None,
        }),
    ];

    /// <summary>One line saying what every row shares: the data and the budget.</summary>
    public static string Caption(ComparisonDocument document)
    {
        var b = document.Budget;
        var cap = b.Minutes is { } m ? FormattableString.Invariant($", at most {m:0.##} min") : "";
        return FormattableString.Invariant(
            $"{document.Dataset} ({document.TrainImages:N0} train / {document.TestImages:N0} test images); each method: {b.Steps:N0} steps of {b.Batch} images, seed {b.Seed}, {b.Silos} silos × {b.SlotsPerSilo} slot(s), {b.Threads} threads, {b.Optimizer} lr {b.BaseLearningRate} per 256, {b.LocalViews} local views (BAM, SwAV){cap}; k-NN k = {Knn.K}, T = {Knn.Temperature}; {document.CreatedUtc:yyyy-MM-dd HH:mm} UTC");
    }

    public static void Write(IAnsiConsole console, ComparisonDocument document)
    {
        var table = new Table();
        foreach (var (column, i) in Columns.Select((c, i) => (c, i)))
            table.AddColumn(new TableColumn(column) { Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in Cells(document))
            table.AddRow(row.Select(c => new Text(c)).ToArray<Spectre.Console.Rendering.IRenderable>());
        console.Write(table);
    }

    /// <summary>The caption and the table as Markdown, ready to paste into the README.</summary>
    public static string Markdown(ComparisonDocument document)
    {
        var text = new StringBuilder();
        text.Append(Caption(document)).Append("\n\n");
        text.Append("| ").Append(string.Join(" | ", Columns)).Append(" |\n");
        text.Append("| --- |").Append(string.Concat(Enumerable.Repeat(" ---: |", Columns.Length - 1))).Append('\n');
        foreach (var row in Cells(document))
            text.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        return text.ToString();
    }

    private static string Percent(double value) => Number(value, "F2");

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : None;
}
