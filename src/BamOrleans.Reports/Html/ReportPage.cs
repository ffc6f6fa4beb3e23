using System.Text;
using BamOrleans.Reports.Model;
using BamOrleans.Reports.Summary;

namespace BamOrleans.Reports.Html;

/// <summary>The whole report page: one file with its style and figures inside, no script and no
/// outside reference, so it reads the same offline, mailed or attached, years later.</summary>
internal static class ReportPage
{
    public static string Render(RunReport report, IReadOnlyList<ReportFigure> figures, bool knnMissing)
    {
        // '\n' rather than AppendLine: Environment.NewLine would make the bytes differ by platform.
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(HtmlText.Escape(report.Title)).Append("</title>\n")
            .Append("<style>\n").Append(ReportStyles.Css).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(HtmlText.Escape(report.Title)).Append("</h1>\n")
            .Append("<p class=\"meta\">Run <code>").Append(HtmlText.Escape(report.RunId))
            .Append("</code>, report generated ").Append(ReportFormat.Utc(report.GeneratedAt)).Append(" UTC</p>\n");

        FactsSection.Append(html, report.KeyFacts, StepSummary.Of(report.Steps));
        FiguresSection.Append(html, figures, knnMissing);
        EvaluationSection.Append(html, report.Evaluation);
        TimelineSection.Append(html, report.Timeline);
        ConfigSection.Append(html, report.ConfigText);

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }
}
