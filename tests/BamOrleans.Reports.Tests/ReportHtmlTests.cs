using System.Text.RegularExpressions;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Tests;

public class ReportHtmlTests
{
    private static string WriteAndRead(RunReport report, TempFolder folder)
    {
        RunReportWriter.Write(report, folder.Path);
        return File.ReadAllText(folder.File(RunReportWriter.HtmlFile));
    }

    [Fact]
    public void The_page_embeds_exactly_the_bytes_of_each_PNG_written_beside_it()
    {
        using var folder = new TempFolder();
        var written = RunReportWriter.Write(SampleRuns.Typical(), folder.Path);
        var html = File.ReadAllText(folder.File(RunReportWriter.HtmlFile));

        var embedded = HtmlDataUris.Pngs(html);
        var files = written.Where(p => p.EndsWith(".png", StringComparison.Ordinal)).Select(File.ReadAllBytes).ToList();
        Assert.Equal(files.Count, embedded.Count);
        for (var i = 0; i < files.Count; i++)
            Assert.Equal(files[i], embedded[i]);
        Assert.Equal(files.Count, files.Select(Convert.ToBase64String).Distinct().Count()); // three different figures
    }

    [Fact]
    public void A_config_that_tries_to_close_the_pre_and_run_a_script_is_shown_as_text()
    {
        using var folder = new TempFolder();
        const string hostile = "name: x\nnote: </pre><script>alert('x')</script> & \"quoted\"\n";

        var html = WriteAndRead(SampleRuns.Typical(config: hostile), folder);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;", html);
        Assert.Single(Regex.Matches(html, "</pre>"));
    }

    [Fact]
    public void Title_facts_evaluation_names_and_event_details_are_escaped_too()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical() with
        {
            Title = "run <b>1</b>",
            KeyFacts = [new("data<set>", "a&b")],
            Evaluation = [new("enc<i>", 64, 0.5, null)],
            Timeline = [new(SampleRuns.Start, 0, 0, TimelineEventKind.Launched, "<img src=x onerror=alert(1)>")],
        };

        var html = WriteAndRead(report, folder);

        Assert.Contains("run &lt;b&gt;1&lt;/b&gt;", html);
        Assert.Contains("data&lt;set&gt;", html);
        Assert.Contains("a&amp;b", html);
        Assert.Contains("enc&lt;i&gt;", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<img src=x", html);
    }

    [Fact]
    public void The_page_refers_to_nothing_outside_itself()
    {
        using var folder = new TempFolder();
        var html = WriteAndRead(SampleRuns.Typical(config: "mirror: https://example.org/data\n"), folder);

        // The config's own URL is run data and stays visible as text; nothing else may point outside.
        var rest = HtmlDataUris.WithoutDataUris(html).Replace("mirror: https://example.org/data", "");
        Assert.DoesNotContain("http://", rest);
        Assert.DoesNotContain("https://", rest);
        Assert.DoesNotContain("src=\"/", rest);
        Assert.DoesNotContain("<script", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", rest, StringComparison.OrdinalIgnoreCase);
        foreach (Match src in Regex.Matches(html, "src=\"([^\"]*)\""))
            Assert.StartsWith("data:image/png;base64,", src.Groups[1].Value);
    }

    [Fact]
    public void Timeline_rows_come_in_time_order_with_their_kinds_whatever_order_the_events_were_given()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical();
        Assert.NotEqual(SampleRuns.TimelineKindsInTimeOrder, report.Timeline.Select(e => e.Kind)); // given shuffled

        var html = WriteAndRead(report, folder);

        var rows = Regex.Matches(html, "<tr[^>]*><td>([0-9: -]+)</td><td class=\"num\">[0-9]+</td><td class=\"num\">[0-9]+</td><td>(\\w+)</td>");
        Assert.Equal(SampleRuns.TimelineKindsInTimeOrder.Select(k => k.ToString()), rows.Select(r => r.Groups[2].Value));
        var times = rows.Select(r => r.Groups[1].Value).ToList();
        Assert.Equal(times.Order(StringComparer.Ordinal), times);
    }

    [Fact]
    public void The_page_states_how_many_failures_the_run_survived()
    {
        using var folder = new TempFolder();
        // The sample timeline: one SiloLost and one interruption (then a resume); its SiloLeft is a drain.
        var html = WriteAndRead(SampleRuns.Typical(), folder);

        Assert.Contains("Failures survived: <strong>2</strong>", html);
    }

    [Fact]
    public void The_evaluation_table_appears_only_when_the_run_was_evaluated()
    {
        using var evaluated = new TempFolder();
        using var notEvaluated = new TempFolder();

        var withRows = WriteAndRead(SampleRuns.Typical(), evaluated);
        var without = WriteAndRead(SampleRuns.Typical() with { Evaluation = [] }, notEvaluated);

        Assert.Contains("<td>BAM encoder</td><td class=\"num\">64</td><td class=\"num\">85.1 %</td><td class=\"num\">82.6 %</td>", withRows);
        Assert.Contains("<td>raw pixels</td><td class=\"num\">784</td><td class=\"num\">85.7 %</td><td class=\"num\">not run</td>", withRows);
        Assert.DoesNotContain("id=\"evaluation\"", without);
    }

    [Fact]
    public void The_same_report_written_twice_gives_the_same_page_bytes()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        RunReportWriter.Write(SampleRuns.Typical(), first.Path);
        RunReportWriter.Write(SampleRuns.Typical(), second.Path);

        // The page embeds the figures, so equal pages also mean ScottPlot drew and encoded identical
        // PNGs (checked by hand across two processes too: ScottPlot 5.1.59 gives the same bytes).
        Assert.Equal(File.ReadAllBytes(first.File(RunReportWriter.HtmlFile)), File.ReadAllBytes(second.File(RunReportWriter.HtmlFile)));
    }

    [Fact]
    public void An_accuracy_given_as_a_percentage_is_rejected_before_anything_is_written()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical() with { KnnPoints = [new KnnPoint(40, 85.1)] };

        var error = Assert.Throws<ArgumentException>(() => RunReportWriter.Write(report, folder.Path));

        Assert.Contains("step 40", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
