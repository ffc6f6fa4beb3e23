using System.Globalization;
using System.Text;
using BamOrleans.Reports.Model;
using BamOrleans.Reports.Timeline;

namespace BamOrleans.Reports.Html;

/// <summary>The run's timeline in time order, failures and recoveries highlighted, under the count
/// of failures the run came through.</summary>
internal static class TimelineSection
{
    public static void Append(StringBuilder html, IReadOnlyList<TimelineEvent> events)
    {
        html.Append("<section id=\"timeline\">\n<h2>Timeline</h2>\n")
            .Append("<p class=\"survived\">Failures survived: <strong>")
            .Append(TimelineFacts.FailuresSurvived(events).ToString(CultureInfo.InvariantCulture))
            .Append("</strong> (silos lost while the others went on, and interruptions: every silo, or the leader, lost)</p>\n");
        if (events.Count == 0)
            html.Append("<p class=\"note\">No events were recorded for this run.</p>\n");
        else
            AppendTable(html, events);
        html.Append("</section>\n");
    }

    /// <summary>The table alone, chronological whatever order the events came in.</summary>
    public static void AppendTable(StringBuilder html, IEnumerable<TimelineEvent> events)
    {
        html.Append("<table class=\"timeline\">\n")
            .Append("<thead><tr><th>time (UTC)</th><th>step</th><th>generation</th><th>kind</th><th>detail</th></tr></thead>\n<tbody>\n");
        foreach (var e in TimelineFacts.Chronological(events))
        {
            var rowClass = TimelineFacts.Highlight(e.Kind) switch
            {
                TimelineHighlight.Failure => " class=\"failure\"",
                TimelineHighlight.Recovery => " class=\"recovery\"",
                _ => "",
            };
            html.Append("<tr").Append(rowClass).Append("><td>").Append(ReportFormat.Utc(e.Time))
                .Append("</td><td class=\"num\">").Append(e.Step.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"num\">").Append(e.Generation.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(e.Kind.ToString())
                .Append("</td><td>").Append(HtmlText.Escape(e.Detail))
                .Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }
}
