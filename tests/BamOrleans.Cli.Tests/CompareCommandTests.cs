using System.Globalization;
using System.Text.Json;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Tests.Shared;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam compare` end to end on a tiny idx folder, and the `bam local --method` choices it builds on.</summary>
public class CompareCommandTests(ITestOutputHelper testOutput)
{
    // The tiny budget: enough steps that every method's exchange runs, few enough to stay fast.
    private const int Steps = 3, Batch = 16, Silos = 2, LocalViews = 2;

    private static readonly string[] Titles = ["BAM", "SwAV", "PIRL"];
    private static readonly string[] BaselineNames = ["random encoder", "raw pixels"];

    private static string NewOutputFolder() => Path.Combine(Path.GetTempPath(), "bam-compare-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Compare_trains_every_method_with_one_budget_and_tabulates_them_beside_the_baselines()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            var result = await BamCli.Run(testOutput, "compare", "--data", data.Directory, "--steps", $"{Steps}", "--batch", $"{Batch}",
                "--silos", $"{Silos}", "--local-views", $"{LocalViews}", "--threads", "1", "--knn-every", "0", "--out", output);

            Assert.True(result.Code == 0, result.Error);
            var lines = result.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("Comparison: ", lines[^1]);
            var markdown = lines[^1]["Comparison: ".Length..];
            Assert.True(File.Exists(markdown), markdown);

            // The console table: one row per method, then the two baselines.
            var rows = lines.Where(l => l.StartsWith('│'))
                .Select(l => l.Split('│', StringSplitOptions.TrimEntries)[1..^1])
                .ToDictionary(cells => cells[0]);
            Assert.Equal([.. Titles, .. BaselineNames], rows.Keys.Where(k => k != "method"));
            foreach (var title in Titles)
            {
                var cells = rows[title];
                Assert.InRange(Number(cells[1]), 0, 100);
                Assert.InRange(Number(cells[2]), 0, 100);
                Assert.True(Number(cells[3]) > 0, $"{title} images/s {cells[3]}");
                Assert.True(Number(cells[4]) > 0, $"{title} objective bytes {cells[4]}");
                Assert.True(Number(cells[5]) > Number(cells[4]), $"{title}: the total must add the gradient average to the objective's bytes");
                Assert.True(double.IsFinite(Number(cells[6])), $"{title} final loss {cells[6]}");
                Assert.True(Number(cells[7]) > 0);
                Assert.Equal(Steps, Number(cells[8]));
            }
            foreach (var name in BaselineNames)
            {
                Assert.InRange(Number(rows[name][1]), 0, 100);
                Assert.InRange(Number(rows[name][2]), 0, 100);
            }
            // Raw pixels separate the bar-per-class images: the evaluation behind the rows is real.
            Assert.True(Number(rows["raw pixels"][1]) > 90);

            // Bytes per step per slot, expected from the options. B images per slot, D-wide rows.
            var b = Batch / Silos;
            var d = EncoderOptions.ForFashionMnist().ProjectorOutDim;
            var columns = 2 * Batch; // BAM's K = target views × global batch
            var bam = 4.0 * ((2 + LocalViews) * b * d // its rows up
                             + columns * d + columns // the columns and their Sinkhorn scales down
                             + columns * d + 2 * b * d); // dL/dC up, its own columns' reduced gradient down
            var prototypes = new SwavOptions().Prototypes;
            var swav = 4.0 * (2 * (2 * b * prototypes)); // the 2 assignment views' scores up, their codes down
            var negatives = new PirlOptions().Negatives;
            var pirl = 4.0 * (b * d + negatives * d + b * d); // view 0's rows up; the negatives and its bank rows down
            Assert.Equal(bam, Number(rows["BAM"][4]));
            Assert.Equal(swav, Number(rows["SwAV"][4]));
            Assert.Equal(pirl, Number(rows["PIRL"][4]));
            Assert.True(negatives * d > columns * d); // so PIRL's exchange must outweigh BAM's:
            Assert.True(Number(rows["PIRL"][4]) > Number(rows["BAM"][4]));
            // The gradient average is the same for BAM and PIRL; SwAV's also carries its prototypes, each way.
            double Parameters(string title) => Number(rows[title][5]) - Number(rows[title][4]);
            Assert.Equal(Parameters("BAM"), Parameters("PIRL"));
            Assert.Equal(Parameters("BAM") + 2 * 4.0 * prototypes * d, Parameters("SwAV"));

            // compare.json holds the same values, and compare.md the same table.
            var folder = Path.GetDirectoryName(markdown)!;
            Assert.StartsWith("compare-", Path.GetFileName(folder));
            Assert.Equal(Path.GetFullPath(output), Path.GetDirectoryName(folder));
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "compare.json")));
            var methods = json.RootElement.GetProperty("methods").EnumerateArray().ToList();
            Assert.Equal(["bam", "swav", "pirl"], methods.Select(m => m.GetProperty("method").GetString()));
            foreach (var m in methods)
            {
                var cells = rows[m.GetProperty("title").GetString()!];
                Assert.Equal(Number(cells[1]), Math.Round(m.GetProperty("knnTop1Percent").GetDouble(), 2));
                Assert.Equal(Number(cells[2]), Math.Round(m.GetProperty("linearProbeTop1Percent").GetDouble(), 2));
                Assert.Equal(Number(cells[4]), m.GetProperty("objectiveBytesPerStep").GetDouble());
                Assert.Equal(Number(cells[5]), m.GetProperty("totalBytesPerStep").GetDouble());
                Assert.Equal(Number(cells[6]), Math.Round(m.GetProperty("finalLoss").GetDouble(), 4));
                // Each method's own run folder, with its report and the method in its metrics.
                var run = Path.Combine(folder, m.GetProperty("runFolder").GetString()!);
                Assert.True(File.Exists(Path.Combine(folder, m.GetProperty("report").GetString()!)));
                using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
                Assert.Equal(m.GetProperty("method").GetString(), metrics.RootElement.GetProperty("method").GetString());
                Assert.Equal(m.GetProperty("method").GetString(), metrics.RootElement.GetProperty("config").GetProperty("method").GetString());
            }
            var baselines = json.RootElement.GetProperty("baselines").EnumerateArray().ToList();
            Assert.Equal(BaselineNames, baselines.Select(x => x.GetProperty("name").GetString()));
            foreach (var x in baselines)
                Assert.Equal(Number(rows[x.GetProperty("name").GetString()!][1]), Math.Round(x.GetProperty("knnTop1Percent").GetDouble(), 2));
            var md = File.ReadAllText(markdown);
            foreach (var cells in rows.Where(r => r.Key != "method").Select(r => r.Value))
                Assert.Contains($"| {string.Join(" | ", cells)} |", md);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Json_prints_the_document_of_compare_json_instead_of_the_table()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            var result = await BamCli.Run(testOutput, "compare", "--methods", "swav", "--json", "--data", data.Directory, "--steps", "2",
                "--batch", $"{Batch}", "--silos", "1", "--threads", "1", "--knn-every", "0", "--out", output);

            Assert.True(result.Code == 0, result.Error);
            using var json = JsonDocument.Parse(result.Output); // the whole output: one document, no table
            var folder = json.RootElement.GetProperty("folder").GetString()!;
            Assert.Equal(File.ReadAllText(Path.Combine(folder, "compare.json")).Trim(), result.Output.Trim());
            Assert.Equal(["swav"], json.RootElement.GetProperty("methods").EnumerateArray().Select(m => m.GetProperty("method").GetString()));
            Assert.Equal(2, json.RootElement.GetProperty("budget").GetProperty("steps").GetInt64());
            Assert.True(File.Exists(Path.Combine(folder, "compare.md")));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Unknown_methods_exit_2_naming_the_allowed_ones_and_nothing_trains()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();

        var result = BamCli.Invoke(testOutput, "compare", "--data", data.Directory, "--methods", "bam,simclr", "--out", output);

        Assert.Equal(2, result.Code);
        Assert.Contains("simclr", result.Error);
        Assert.Contains("bam, swav or pirl", result.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_method_named_twice_exits_2()
    {
        var output = NewOutputFolder();

        var result = BamCli.Invoke(testOutput, "compare", "--methods", "pirl,PIRL", "--out", output);

        Assert.Equal(2, result.Code);
        Assert.Contains("pirl 2 times", result.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_budget_no_method_can_train_exits_2_once_before_any_method_trains()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();

        // 15 images do not split over 2 slots: the same problem for every method, said once.
        var result = BamCli.Invoke(testOutput, "compare", "--data", data.Directory, "--batch", "15", "--out", output);

        Assert.Equal(2, result.Code);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("--batch 15"));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Local_trains_the_method_it_is_given_in_one_process_and_records_it()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            var result = BamCli.Invoke(testOutput, "local", "--method", "PIRL", "--single-process", "--data", data.Directory,
                "--steps", "2", "--batch", "16", "--threads", "1", "--knn-every", "0", "--out", output);

            Assert.True(result.Code == 0, result.Error);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single()));
            Assert.Equal("pirl", metrics.RootElement.GetProperty("method").GetString());
            Assert.Equal(2, metrics.RootElement.GetProperty("steps").GetArrayLength());
            var names = metrics.RootElement.GetProperty("evaluation").GetProperty("representations").EnumerateArray()
                .Select(r => r.GetProperty("name").GetString());
            Assert.Equal(["PIRL encoder", "random encoder", "raw pixels"], names);
            Assert.Contains("PIRL encoder", result.Output);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Local_with_an_unknown_method_exits_2_naming_the_allowed_ones()
    {
        var result = BamCli.Invoke(testOutput, "local", "--method", "byol", "--out", NewOutputFolder());

        Assert.Equal(2, result.Code);
        Assert.Contains("--method byol", result.Error);
        Assert.Contains("bam, swav or pirl", result.Error);
    }

    /// <summary>A table cell as a number ("1,234" and "85.04" alike).</summary>
    private static double Number(string cell) => double.Parse(cell, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
