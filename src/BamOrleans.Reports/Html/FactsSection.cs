using System.Text;
using BamOrleans.Reports.Model;
using BamOrleans.Reports.Summary;

namespace BamOrleans.Reports.Html;

/// <summary>The key facts given with the run, then what the logged steps say.</summary>
internal static class FactsSection
{
    public static void Append(StringBuilder html, IReadOnlyList<KeyFact> facts, StepSummary steps)
    {
        var rows = facts.Select(f => (f.Name, f.Value)).ToList();
        rows.Add(("logged steps", ReportFormat.Integer(steps.Logged)));
        if (steps.LastStep is { } last) rows.Add(("last step", ReportFormat.Integer(last)));
        if (steps.LastFiniteLoss is { } loss) rows.Add(("last loss", ReportFormat.Decimal(loss, 4)));
        if (steps.NonFinite > 0) rows.Add(("steps skipped (non-finite loss)", ReportFormat.Integer(steps.NonFinite)));
        if (steps.MeanImagesPerSecond is { } rate) rows.Add(("mean images/s", ReportFormat.Decimal(rate, 0)));

        html.Append("<section id=\"facts\">\n<h2>Key facts</h2>\n<table class=\"facts\">\n");
        foreach (var (name, value) in rows)
            html.Append("<tr><th>").Append(HtmlText.Escape(name)).Append("</th><td>").Append(HtmlText.Escape(value)).Append("</td></tr>\n");
        html.Append("</table>\n</section>\n");
    }
}
