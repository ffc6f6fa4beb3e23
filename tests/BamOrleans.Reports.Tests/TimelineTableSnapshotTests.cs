using System.Text;
using BamOrleans.Reports.Html;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Tests;

public class TimelineTableSnapshotTests
{
    /// <summary>The exact fragment, so a change to the table's markup is a visible, reviewed change:
    /// UTC times, right-aligned numbers, the kind's name, failure and recovery rows classed.</summary>
    [Fact]
    public void The_timeline_table_renders_as_reviewed()
    {
        var at = new DateTimeOffset(2026, 11, 23, 10, 15, 30, TimeSpan.FromHours(2));
        var html = new StringBuilder();

        TimelineSection.AppendTable(html,
        [
            new(at.AddSeconds(20), 140, 2, TimelineEventKind.ResumedFromCheckpoint, "from step 100"),
            new(at, 140, 1, TimelineEventKind.SiloLost, "silo-a & silo-b"),
            new(at.AddSeconds(-30), 0, 0, TimelineEventKind.Launched, "2 silos"),
        ]);

        Assert.Equal(
            "<table class=\"timeline\">\n"
            + "<thead><tr><th>time (UTC)</th><th>step</th><th>generation</th><th>kind</th><th>detail</th></tr></thead>\n<tbody>\n"
            + "<tr><td>2026-11-23 08:15:00</td><td class=\"num\">0</td><td class=\"num\">0</td><td>Launched</td><td>2 silos</td></tr>\n"
            + "<tr class=\"failure\"><td>2026-11-23 08:15:30</td><td class=\"num\">140</td><td class=\"num\">1</td><td>SiloLost</td><td>silo-a &amp; silo-b</td></tr>\n"
            + "<tr class=\"recovery\"><td>2026-11-23 08:15:50</td><td class=\"num\">140</td><td class=\"num\">2</td><td>ResumedFromCheckpoint</td><td>from step 100</td></tr>\n"
            + "</tbody>\n</table>\n",
            html.ToString());
    }
}
