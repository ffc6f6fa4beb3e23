using BamOrleans.Reports.Charts;
using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Tests;

public class FigureFileTests
{
    [Theory]
    [InlineData(960, 420)]
    [InlineData(640, 360)]
    public void Every_figure_is_a_PNG_of_the_requested_pixel_size(int width, int height)
    {
        using var folder = new TempFolder();
        var written = RunReportWriter.Write(SampleRuns.Typical(), folder.Path, new FigureSize(width, height));

        var pngs = written.Where(p => p.EndsWith(".png", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            new[] { RunReportWriter.LossFile, RunReportWriter.LearningRateFile, RunReportWriter.KnnFile },
            pngs.Select(Path.GetFileName));
        foreach (var path in pngs)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.True(PngHeader.HasSignature(bytes), $"{path} lacks the PNG signature");
            Assert.Equal((width, height), PngHeader.Size(bytes));
        }
    }

    [Fact]
    public void Without_knn_points_no_knn_figure_is_written_and_a_stale_one_is_removed()
    {
        using var folder = new TempFolder();
        RunReportWriter.Write(SampleRuns.Typical(), folder.Path);
        Assert.True(File.Exists(folder.File(RunReportWriter.KnnFile)));

        var written = RunReportWriter.Write(SampleRuns.Typical() with { KnnPoints = [] }, folder.Path);

        Assert.DoesNotContain(written, p => Path.GetFileName(p) == RunReportWriter.KnnFile);
        Assert.False(File.Exists(folder.File(RunReportWriter.KnnFile)));
        var html = File.ReadAllText(folder.File(RunReportWriter.HtmlFile));
        Assert.Contains("No k-NN accuracy was recorded", html);
        Assert.Equal(2, HtmlDataUris.Pngs(html).Count);
    }

    [Fact]
    public void Skipped_steps_with_NaN_loss_leave_the_loss_curve_drawn_across_the_plot()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical();
        Assert.Contains(report.Steps, s => double.IsNaN(s.Loss)); // the sample must hold NaNs, the first step's included
        Assert.True(double.IsNaN(report.Steps[0].Loss));

        RunReportWriter.Write(report, folder.Path);

        // Had a NaN reached the axis range, nothing (or a single point) would be drawn.
        var pixels = new FigurePixels(File.ReadAllBytes(folder.File(RunReportWriter.LossFile)));
        var columnsWithCurve = pixels.MatchesPerColumn(Palette.Main).Count(c => c > 0);
        Assert.True(columnsWithCurve > pixels.Width / 2, $"the smoothed loss covers only {columnsWithCurve} of {pixels.Width} columns");
    }

    [Fact]
    public void A_run_whose_every_loss_is_NaN_still_gets_a_valid_loss_figure()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical();
        report = report with { Steps = report.Steps.Select(s => s with { Loss = double.NaN }).ToList() };

        RunReportWriter.Write(report, folder.Path);

        var bytes = File.ReadAllBytes(folder.File(RunReportWriter.LossFile));
        Assert.True(PngHeader.HasSignature(bytes));
        Assert.Equal((FigureSize.Default.Width, FigureSize.Default.Height), PngHeader.Size(bytes));
    }

    [Fact]
    public void The_loss_figure_marks_silo_losses_and_resumes_with_vertical_lines_in_step_order()
    {
        using var folder = new TempFolder();
        var report = SampleRuns.Typical() with
        {
            Timeline =
            [
                new(SampleRuns.Start.AddMinutes(9), 180, 3, TimelineEventKind.ResumedFromCheckpoint, "all silos came back"),
                new(SampleRuns.Start.AddMinutes(2), 60, 1, TimelineEventKind.SiloLost, "silo-1 stopped answering"),
            ],
        };

        RunReportWriter.Write(report, folder.Path);

        var pixels = new FigurePixels(File.ReadAllBytes(folder.File(RunReportWriter.LossFile)));
        var lost = pixels.VerticalLines(Palette.SiloLost, 0.3);
        var resumed = pixels.VerticalLines(Palette.Resumed, 0.3);
        Assert.NotEmpty(lost);
        Assert.NotEmpty(resumed);
        Assert.True(lost.Max() < resumed.Min(), "step 60's line must lie left of step 180's");
        Assert.Empty(pixels.VerticalLines(Palette.SiloLeft, 0.3));
    }

    [Fact]
    public void Without_events_the_loss_figure_has_no_marker_lines()
    {
        using var folder = new TempFolder();
        RunReportWriter.Write(SampleRuns.Typical() with { Timeline = [] }, folder.Path);

        var pixels = new FigurePixels(File.ReadAllBytes(folder.File(RunReportWriter.LossFile)));
        Assert.Empty(pixels.VerticalLines(Palette.SiloLost, 0.3));
        Assert.Empty(pixels.VerticalLines(Palette.Resumed, 0.3));
    }
}
