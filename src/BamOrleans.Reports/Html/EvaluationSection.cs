using System.Globalization;
using System.Text;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Html;

/// <summary>The final evaluation table; left out when the run was not evaluated.</summary>
internal static class EvaluationSection
{
    public static void Append(StringBuilder html, IReadOnlyList<EvaluationRow> rows)
    {
        if (rows.Count == 0) return;
        html.Append("<section id=\"evaluation\">\n<h2>Evaluation</h2>\n<table class=\"evaluation\">\n")
            .Append("<thead><tr><th>representation</th><th>dim</th><th>k-NN top-1</th><th>linear probe top-1</th></tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr><td>").Append(HtmlText.Escape(row.Representation))
                .Append("</td><td class=\"num\">").Append(row.FeatureDim.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"num\">").Append(ReportFormat.Percent(row.KnnTop1))
                .Append("</td><td class=\"num\">").Append(row.LinearProbeTop1 is { } probe ? ReportFormat.Percent(probe) : "not run")
                .Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n</section>\n");
    }
}
