using System.Text.Json;
using BamOrleans.Silo;
using BamOrleans.Storage;
using BamOrleans.Tests.Shared;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests.Run;

/// <summary>Two in-process silos with a folder store, the tiny Fashion-MNIST, and a YAML config: the cluster the `bam run` commands talk to.</summary>
public sealed class RunCommandsCluster : IAsyncLifetime
{
    internal TinyFashionMnist Data { get; } = new(trainCount: 64, testCount: 32);

    public string Store { get; } = Directory.CreateTempSubdirectory("bam-run-cli-store-").FullName;

    public LocalCluster Cluster { get; private set; } = null!;

    /// <summary>The connection options every command of these tests passes.</summary>
    public string[] Connection => ["--gateway", $"127.0.0.1:{Cluster.GatewayPorts[0]}", "--cluster-id", Cluster.ClusterId];

    public async Task InitializeAsync()
    {
        TorchSharp.torch.set_num_threads(1);
        // The silos read prepared datasets from the store they checkpoint to, as bam-silo does.
        var store = new LocalFolderBlobStore(Store);
        Cluster = await LocalCluster.Start(2, new LocalDatasetProvider(store), new LoggerConfiguration().CreateLogger(), store: store);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Data.Dispose();
        Directory.Delete(Store, recursive: true);
    }

    /// <summary>A run config file for the tiny data: small steps, a checkpoint every 4 steps.</summary>
    public string WriteConfig(string folder, string runId, long steps, string extra = "")
    {
        var path = Path.Combine(folder, $"{runId}.yaml");
        File.WriteAllText(path, $"""
            run:
              id: {runId}
              steps: {steps}
            batch: 16
            data:
              kind: fashion-mnist
              path: {Data.Directory}
              shards: 2
            encoder:
              width: 4
            checkpoint:
              everySteps: 4
              keep: 5
            {extra}
            """);
        return path;
    }
}

/// <summary>
/// The `bam run` commands against a real cluster (in-process silos, real grains): submit a YAML
/// config, read its status, pause, resume, watch it to the end, list it, cancel another; and the
/// bad input that must be refused before anything is submitted.
/// </summary>
public sealed class RunCommandsTests(RunCommandsCluster fixture, ITestOutputHelper output) : IClassFixture<RunCommandsCluster>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bam-run-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<BamResult> Bam(params string[] args) => BamCli.Run(output, [.. args, .. fixture.Connection]);

    private async Task<JsonElement> Json(params string[] args)
    {
        var result = await Bam([.. args, "--json"]);
        Assert.Equal(0, result.Code);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    [Fact]
    public async Task A_submitted_run_can_be_paused_inspected_resumed_and_watched_to_its_end()
    {
        const int steps = 12;
        var config = fixture.WriteConfig(_folder, "cli-life", steps);

        var submit = await Bam("run", "submit", config);
        Assert.Equal(0, submit.Code);
        Assert.Contains("run cli-life submitted: 2 slots, 16 images per step, 12 steps", submit.Output);

        var paused = await Json("run", "pause", "cli-life");
        Assert.Equal("paused", paused.GetProperty("status").GetString());
        var status = await Json("run", "status", "cli-life");
        Assert.Equal("paused", status.GetProperty("status").GetString());
        Assert.Equal(steps, status.GetProperty("plannedSteps").GetInt64());
        Assert.Equal($"127.0.0.1:{fixture.Cluster.PrimarySiloPort}", status.GetProperty("leader").GetString());
        var slots = status.GetProperty("slots").EnumerateArray().ToList();
        Assert.Equal(2, slots.Count);
        Assert.Equal(2, slots.Select(s => s.GetProperty("silo").GetString()).Distinct().Count()); // one slot on each silo
        var pausedAt = status.GetProperty("step").GetInt64();
        Assert.True(pausedAt < steps);

        var resume = await Bam("run", "resume", "cli-life");
        Assert.Equal(0, resume.Code);
        Assert.Contains("run cli-life: Running", resume.Output);

        var watch = await Bam("run", "watch", "cli-life", "--interval-seconds", "0.2");
        Assert.Equal(0, watch.Code);
        Assert.Contains("Launched at step 0", watch.Output);
        Assert.Contains("Paused at step", watch.Output);
        Assert.Contains("Continued at step", watch.Output);
        Assert.EndsWith($"run cli-life: Completed at step {steps}", watch.Output.TrimEnd());

        var done = await Json("run", "status", "cli-life");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(steps, done.GetProperty("step").GetInt64());
        Assert.True(double.IsFinite(done.GetProperty("loss").GetDouble()));
        Assert.Equal(steps, done.GetProperty("lastCheckpointStep").GetInt64());
        var listed = (await Json("run", "list")).EnumerateArray().Single(r => r.GetProperty("runId").GetString() == "cli-life");
        Assert.Equal("completed", listed.GetProperty("status").GetString());

        var human = await Bam("run", "status", "cli-life");
        Assert.Contains("status             Completed", human.Output);
        Assert.Contains($"step               {steps} / {steps} (100.0 %)", human.Output);

        var report = await Bam("run", "report", "cli-life", "--out", Path.Combine(_folder, "report"));
        Assert.Equal(0, report.Code);
        var page = File.ReadAllText(Path.Combine(_folder, "report", "report.html"));
        foreach (var kind in new[] { "Launched", "Paused", "Continued", "Completed" }) Assert.Contains(kind, page);
        Assert.Contains("cli-life", page);
        Assert.True(File.Exists(Path.Combine(_folder, "report", "loss.png")));
    }

    [Fact]
    public async Task A_run_trains_from_a_dataset_prepared_in_the_silos_blob_store()
    {
        var prepare = await BamCli.Run(output, "dataset", "prepare", "--source", fixture.Data.Directory, "--name", "tiny-train",
            "--images-per-shard", "24", "--store-folder", fixture.Store, "--replace");
        Assert.Equal(0, prepare.Code);
        var config = Path.Combine(_folder, "store.yaml");
        File.WriteAllText(config, """
            run: { id: cli-store, steps: 6 }
            batch: 16
            data: { kind: store, path: tiny-train, imageSize: 28, channels: 1, shards: 2 }
            encoder: { width: 4 }
            checkpoint: { everySteps: 0 }
            """);

        var submit = await Bam("run", "submit", config, "--store-folder", fixture.Store);
        Assert.Equal(0, submit.Code);
        Assert.Contains("the prepared dataset 'tiny-train'", submit.Output);
        Assert.Equal(0, (await Bam("run", "watch", "cli-store", "--interval-seconds", "0.2")).Code);
        var done = await Json("run", "status", "cli-store");
        Assert.Equal(6, done.GetProperty("step").GetInt64());
        Assert.All(done.GetProperty("slots").EnumerateArray(), s => Assert.Equal(6, s.GetProperty("completedSteps").GetInt64()));

        // Without the store the client cannot read the dataset's size and statistics: refused, nothing submitted.
        File.WriteAllText(config, File.ReadAllText(config).Replace("cli-store", "cli-store-2"));
        var refused = await Bam("run", "submit", config);
        Assert.Equal(2, refused.Code);
        Assert.Contains("--store-folder", refused.Error);
    }

    [Fact]
    public async Task A_cancelled_run_stays_cancelled_and_its_id_cannot_be_resumed_or_submitted_again()
    {
        var config = fixture.WriteConfig(_folder, "cli-cancel", 100_000);
        Assert.Equal(0, (await Bam("run", "submit", config)).Code);

        var cancel = await Bam("run", "cancel", "cli-cancel", "--reason", "wrong learning rate");
        Assert.Equal(0, cancel.Code);
        Assert.Contains("run cli-cancel: Cancelled", cancel.Output);
        Assert.Equal("cancelled", (await Json("run", "status", "cli-cancel")).GetProperty("status").GetString());

        var resume = await Bam("run", "resume", "cli-cancel");
        Assert.Equal(2, resume.Code);
        Assert.Contains("run cli-cancel is Cancelled; cannot resume", resume.Error);
        var again = await Bam("run", "submit", config);
        Assert.Equal(2, again.Code);
        Assert.Contains("launch a new run id", again.Error);
    }

    [Fact]
    public async Task An_impossible_config_is_refused_one_line_per_problem_with_exit_2_and_nothing_is_submitted()
    {
        var config = fixture.WriteConfig(_folder, "cli-bad", 10, extra: "objective:\n  targetViews: 9\nlerning_rate: 3\n");

        var result = await Bam("run", "submit", config, "--set", "batch=1");

        Assert.Equal(2, result.Code);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("bam: ", l));
        Assert.Contains(lines, l => l.Contains("lerning_rate is not a known key"));
        Assert.Contains(lines, l => l.Contains("batch") && l.Contains("--set"));
        Assert.Contains(lines, l => l.Contains("objective.targetViews"));
        Assert.Equal("", result.Output);
        Assert.DoesNotContain((await Json("run", "list")).EnumerateArray(), r => r.GetProperty("runId").GetString() == "cli-bad");
    }

    [Fact]
    public async Task A_run_id_the_cluster_never_saw_and_a_malformed_command_line_exit_2()
    {
        var missing = await Bam("run", "status", "no-such-run");
        Assert.Equal(2, missing.Code);
        Assert.Contains("the cluster has no run 'no-such-run'", missing.Error);

        var malformed = await BamCli.Run(output, "run", "watch", "x", "--interval-seconds", "soon");
        Assert.Equal(2, malformed.Code);
        Assert.Contains("bam run watch --help", malformed.Error);
    }
}
