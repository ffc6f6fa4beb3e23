using System.Text;
using BamOrleans.Reports.Charts;
using BamOrleans.Reports.Figures;
using BamOrleans.Reports.Html;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports;

/// <summary>Writes a run's report into a folder: the PNG figures and one self-contained HTML page
/// that embeds them.</summary>
public static class RunReportWriter
{
    public const string LossFile = "loss.png";
    public const string LearningRateFile = "learning-rate.png";
    public const string KnnFile = "knn.png";
    public const string HtmlFile = "report.html";

    /// <inheritdoc cref="Write(RunReport, string, FigureSize)"/>
    public static IReadOnlyList<string> Write(RunReport report, string folder) => Write(report, folder, FigureSize.Default);

    /// <summary>
    /// Writes loss.png, learning-rate.png, knn.png (only when the run has k-NN points) and
    /// report.html into <paramref name="folder"/>, creating it if needed, and returns the paths
    /// written, figures first. The same report gives the same bytes every time.
    /// </summary>
    /// <exception cref="ArgumentException">The report holds values it cannot hold, e.g. an accuracy outside [0, 1].</exception>
    public static IReadOnlyList<string> Write(RunReport report, string folder, FigureSize size)
    {
        RunReportValidation.ThrowIfInvalid(report);
        ArgumentNullException.ThrowIfNull(size);
        Directory.CreateDirectory(folder);

        var figures = new List<ReportFigure>
        {
            Render(RunFigures.Loss(report), LossFile, size,
                "Loss against step; dashed lines mark silos lost or left and resumes from a checkpoint."),
            Render(RunFigures.LearningRate(report), LearningRateFile, size, "Learning rate against step."),
        };
        var knn = RunFigures.Knn(report);
        if (knn is not null)
            figures.Add(Render(knn, KnnFile, size, "Online k-NN top-1 accuracy against step."));
        else
            // A knn.png left by an earlier report in this folder would contradict the page's note.
            File.Delete(Path.Combine(folder, KnnFile));

        var written = new List<string>();
        foreach (var figure in figures)
        {
            var path = Path.Combine(folder, figure.FileName);
            File.WriteAllBytes(path, figure.Png);
            written.Add(path);
        }

        var htmlPath = Path.Combine(folder, HtmlFile);
        File.WriteAllText(htmlPath, ReportPage.Render(report, figures, knnMissing: knn is null), new UTF8Encoding(false));
        written.Add(htmlPath);
        return written;
    }

    private static ReportFigure Render(LineChart chart, string fileName, FigureSize size, string caption) =>
        new(fileName, chart.Title, caption, ChartRenderer.RenderPng(chart, size.Width, size.Height), size.Width, size.Height);
}
