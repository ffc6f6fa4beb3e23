using System.CommandLine;
using System.Text.Json;
using BamOrleans.Cli.Commands;
using BamOrleans.Silo.Processes;
using BamOrleans.Tests.Shared;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam local` end to end on a tiny idx folder: what it writes and what it refuses.</summary>
public class LocalCommandTests(ITestOutputHelper testOutput)
{
    /// <summary>Runs the command with its log in this test's output (shown when the test fails).</summary>
    private int Run(params string[] args)
    {
        var root = new RootCommand { LocalCommand.Create() };
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(new TestOutputSink(testOutput)).CreateLogger();
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });
        }
        finally
        {
            (Log.Logger as IDisposable)?.Dispose();
            Log.Logger = previous;
        }
    }

    private static string NewOutputFolder() => Path.Combine(Path.GetTempPath(), "bam-out-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Trains_evaluates_and_writes_a_metrics_file_with_the_three_representations()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            var code = Run("local", "--data", data.Directory, "--steps", "3", "--batch", "16", "--threads", "1", "--out", output, "--knn-every", "2");

            Assert.Equal(0, code);
            var metrics = Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single();
            using var json = JsonDocument.Parse(File.ReadAllText(metrics));
            var root = json.RootElement;
            Assert.Equal(3, root.GetProperty("steps").GetArrayLength());
            Assert.All(root.GetProperty("steps").EnumerateArray(), s => Assert.True(double.IsFinite(s.GetProperty("loss").GetDouble())));
            Assert.Equal(3, root.GetProperty("training").GetProperty("steps").GetInt32());
            var cropScale = root.GetProperty("config").GetProperty("augmentation").GetProperty("globalScale");
            Assert.Equal(2, cropScale.GetArrayLength()); // ranges are written as [min, max]
            var names = root.GetProperty("evaluation").GetProperty("representations").EnumerateArray()
                .Select(r => r.GetProperty("name").GetString()).ToList();
            Assert.Equal(["BAM encoder", "random encoder", "raw pixels"], names);
            Assert.All(root.GetProperty("evaluation").GetProperty("representations").EnumerateArray(),
                r => Assert.InRange(r.GetProperty("knnTop1").GetDouble(), 0, 1));
            // Raw pixels separate the bar-per-class images perfectly: the k-NN plumbing is real.
            var pixels = root.GetProperty("evaluation").GetProperty("representations").EnumerateArray().Last();
            Assert.True(pixels.GetProperty("knnTop1").GetDouble() > 0.9);
            // The default trains on a local cluster: two in-process silos, one slot each, equal replicas.
            var cluster = root.GetProperty("cluster");
            Assert.Equal(2, cluster.GetProperty("silos").GetInt32());
            Assert.Equal(2, cluster.GetProperty("slots").GetInt32());
            Assert.True(cluster.GetProperty("replicasIdentical").GetBoolean());
            // The k-NN monitor measured on the tiny sets when the watcher saw its interval crossed
            // (the model exported then) and once at the end.
            var knn = root.GetProperty("knnMonitor").EnumerateArray().ToList();
            var measured = knn.Select(p => p.GetProperty("completedSteps").GetInt64()).ToList();
            Assert.Equal(0, measured[0]); // the seeded starting weights
            Assert.Equal(3, measured[^1]);
            Assert.Equal(measured.Distinct().Order(), measured);
            Assert.All(measured.Skip(1), s => Assert.InRange(s, 2, 3));
            Assert.All(knn, p => Assert.InRange(p.GetProperty("top1").GetDouble(), 0, 1));
            // The report beside the metrics: its page and figures, the run's timeline in it.
            var folder = Path.GetDirectoryName(metrics)!;
            foreach (var figure in new[] { "loss.png", "learning-rate.png", "knn.png" })
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, figure))[..4]);
            var page = File.ReadAllText(Path.Combine(folder, "report.html"));
            Assert.Contains("Launched", page);
            Assert.Contains("Completed", page);
            Assert.Contains("BAM encoder", page);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void An_impossible_config_exits_with_2_and_writes_nothing()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();

        var code = Run("local", "--data", data.Directory, "--batch", "1", "--out", output);

        Assert.Equal(2, code);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Lars_is_selectable_and_recorded_in_the_metrics()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            Assert.Equal(0, Run("local", "--data", data.Directory, "--steps", "2", "--batch", "16", "--threads", "1",
                "--optimizer", "lars", "--lr", "0.3", "--no-eval", "--out", output));
            using var json = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single()));
            var optimization = json.RootElement.GetProperty("config").GetProperty("optimization");
            Assert.Equal("lars", optimization.GetProperty("optimizer").GetString());
            Assert.Equal(0.3, optimization.GetProperty("baseLearningRate").GetDouble());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("evaluation").ValueKind);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Single_process_mode_trains_without_a_cluster()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            Assert.Equal(0, Run("local", "--data", data.Directory, "--steps", "2", "--batch", "16", "--threads", "1",
                "--single-process", "--no-eval", "--out", output));
            using var json = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single()));
            Assert.Equal(2, json.RootElement.GetProperty("steps").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("cluster").ValueKind);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Processes_mode_trains_on_silo_processes_meeting_through_redis_and_stops_every_process()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            Assert.Equal(0, Run("local", "--data", data.Directory, "--steps", "2", "--batch", "16", "--threads", "2",
                "--processes", "--no-eval", "--out", output));
            using var json = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single()));
            var cluster = json.RootElement.GetProperty("cluster");
            Assert.Equal(2, cluster.GetProperty("slots").GetInt32());
            Assert.True(cluster.GetProperty("replicasIdentical").GetBoolean());
            // The command started redis-server and two bam-silo processes; none may outlive it.
            Assert.Empty(ChildProcess.RunningWithCommandLine("bam-proc-"));
            Assert.Empty(ChildProcess.RunningWithCommandLine("bam-redis-"));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void A_run_paused_by_its_time_budget_continues_from_its_checkpoint_when_the_same_command_runs_again()
    {
        using var data = new TinyFashionMnist();
        var (first, second, store) = (NewOutputFolder(), NewOutputFolder(), NewOutputFolder());
        var runId = $"cli-resume-{Guid.NewGuid():N}";
        string[] Command(string output, string minutes) =>
            ["local", "--data", data.Directory, "--steps", "40", "--batch", "16", "--threads", "1", "--no-eval",
             "--checkpoint-every", "1", "--run-id", runId, "--store", store, "--minutes", minutes, "--out", output];
        JsonElement Steps(string output) =>
            JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single())).RootElement.GetProperty("steps");
        try
        {
            // A budget of 0.12 s: the run pauses after its first few steps, each checkpointed.
            Assert.Equal(0, Run(Command(first, "0.002")));
            var done = Steps(first).GetArrayLength();
            Assert.InRange(done, 0, 39);

            Assert.Equal(0, Run(Command(second, "0")));
            var resumed = Steps(second).EnumerateArray().Select(s => s.GetProperty("step").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(done, 40 - done).Select(s => (long)s), resumed);
        }
        finally
        {
            foreach (var folder in new[] { first, second, store })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_batch_that_does_not_split_over_the_slots_exits_with_2_before_training()
    {
        using var data = new TinyFashionMnist();
        var output = NewOutputFolder();
        try
        {
            Assert.Equal(2, Run("local", "--data", data.Directory, "--steps", "2", "--batch", "16", "--silos", "3", "--out", output));
            Assert.Empty(Directory.Exists(output) ? Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories) : []);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void A_missing_dataset_folder_exits_with_2()
    {
        var code = Run("local", "--data", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")), "--out", NewOutputFolder());
        Assert.Equal(2, code);
    }

    [Fact]
    public void An_unknown_dataset_kind_is_a_usage_error()
    {
        Assert.NotEqual(0, Run("local", "--dataset", "imagenet-on-floppy"));
    }
}
