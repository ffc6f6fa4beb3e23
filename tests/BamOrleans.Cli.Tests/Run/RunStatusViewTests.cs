using System.CommandLine;
using System.Net;
using System.Text.Json;
using BamOrleans.Cli.Commands.Run;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Steps;
using BamOrleans.Grains.Training;

namespace BamOrleans.Cli.Tests.Run;

/// <summary>`bam run status` as people and scripts read it, from a fixed overview (the command
/// itself runs against a cluster in <see cref="RunCommandsTests"/>).</summary>
public class RunStatusViewTests
{
    private static readonly SiloAddress Leader = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 100);
    private static readonly SiloAddress Other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 101);

    private static RunOverview Overview() => new(
        new RunStatusSnapshot("fmnist-1", RunStatus.Running, null, new StepStamp("fmnist-1", 7, 1234), 1234,
            new Dictionary<string, SiloAddress> { ["fmnist-1/s0"] = Leader, ["fmnist-1/s1"] = Other },
            [], new Dictionary<RefusalReason, long> { [RefusalReason.StaleGeneration] = 3 }, 0,
            PlannedSteps: 2500, Host: Leader, FailuresSurvived: 2),
        Epoch: 2, LastLoss: 4.1234567, LearningRate: 6.7e-4, ImagesPerSecond: 652.4, LastCheckpointStep: 1000,
        Slots:
        [
            new SlotReport("fmnist-1/s0", "fmnist-1", Leader, SlotState.Training, 1234, 7, 4.12, 1, null, 1000),
            new SlotReport("fmnist-1/s1", "fmnist-1", Other, SlotState.Training, 1233, 7, 4.12, 1, null, 1000),
        ]);

    [Fact]
    public void The_human_view_shows_every_figure_an_operator_asks_for()
    {
        var output = new StringWriter();
        var parse = new RootCommand().Parse([]);
        parse.InvocationConfiguration.Output = output;
        RunStatusView.Render(CommandConsole.For(parse), Overview());
        var text = output.ToString();

        var expected = new[]
        {
            "run                fmnist-1",
            "status             Running",
            "step               1234 / 2500 (49.4 %)",
            "epoch              2",
            "loss               4.1235",
            "learning rate      6.70E-004",
            "images/s           652 (last 20 steps)",
            "generation         7",
            "leader             127.0.0.1:11111",
            "last checkpoint    step 1000",
            "failures survived  2",
            "stale messages refused 3",
        };
        foreach (var line in expected) Assert.Contains(line, text.Replace("\r", ""));
        Assert.Contains("fmnist-1/s0", text);
        Assert.Contains("127.0.0.1:11112", text);
        Assert.Contains("1233", text);
    }

    [Fact]
    public void The_json_document_carries_the_same_figures_under_stable_names()
    {
        var output = new StringWriter();
        JsonOutput.Write(output, RunStatusView.Document(Overview()));
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;

        Assert.Equal("fmnist-1", root.GetProperty("runId").GetString());
        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal(1234, root.GetProperty("step").GetInt64());
        Assert.Equal(2500, root.GetProperty("plannedSteps").GetInt64());
        Assert.Equal(2, root.GetProperty("epoch").GetInt32());
        Assert.Equal(4.1234567, root.GetProperty("loss").GetDouble());
        Assert.Equal(652.4, root.GetProperty("imagesPerSecond").GetDouble());
        Assert.Equal(7, root.GetProperty("generation").GetInt64());
        Assert.Equal("127.0.0.1:11111", root.GetProperty("leader").GetString());
        Assert.Equal(1000, root.GetProperty("lastCheckpointStep").GetInt64());
        Assert.Equal(2, root.GetProperty("failuresSurvived").GetInt32());
        var slots = root.GetProperty("slots").EnumerateArray().ToList();
        Assert.Equal(["fmnist-1/s0", "fmnist-1/s1"], slots.Select(s => s.GetProperty("slot").GetString()));
        Assert.Equal("127.0.0.1:11112", slots[1].GetProperty("silo").GetString());
        Assert.Equal("training", slots[1].GetProperty("state").GetString());
    }

    [Fact]
    public void A_run_with_no_figures_yet_shows_dashes_and_json_writes_NaN_as_a_string()
    {
        var empty = new RunOverview(
            new RunStatusSnapshot("new", RunStatus.Paused, null, new StepStamp("new", 0, 0), 0,
                new Dictionary<string, SiloAddress>(), [], new Dictionary<RefusalReason, long>(), 0),
            null, double.NaN, double.NaN, double.NaN, null, []);
        var output = new StringWriter();
        var parse = new RootCommand().Parse([]);
        parse.InvocationConfiguration.Output = output;
        RunStatusView.Render(CommandConsole.For(parse), empty);
        Assert.Contains("loss               -", output.ToString());
        Assert.Contains("bam run resume lays it out", output.ToString());

        var json = new StringWriter();
        JsonOutput.Write(json, RunStatusView.Document(empty));
        Assert.Equal("NaN", JsonDocument.Parse(json.ToString()).RootElement.GetProperty("loss").GetString());
    }
}
