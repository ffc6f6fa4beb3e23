using System.Text.Json;
using BamOrleans.Checkpoints;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam checkpoint list|verify|export` on the checkpoints a real `bam local` run wrote.</summary>
[Collection(TrainedRunCollection.Name)]
public class CheckpointCommandTests(TrainedRunStore run, ITestOutputHelper testOutput)
{
    private static readonly ILogger Silent = new LoggerConfiguration().CreateLogger();

    private (int Code, string Output, string Errors) Bam(params string[] args) =>
        BamCli.Invoke(testOutput, args) is var r ? (r.Code, r.Output, r.Error) : default;

    /// <summary>The committed steps as the checkpoint library itself lists them, newest first.</summary>
    private static IReadOnlyList<long> Committed(string store) =>
        Task.Run(() => RunCheckpoints.Reader(new LocalFolderBlobStore(store), TrainedRunStore.RunId, Silent).ListCommitted()).GetAwaiter().GetResult();

    private static LoadedCheckpoint Load(string store, long step) =>
        Task.Run(() => RunCheckpoints.Reader(new LocalFolderBlobStore(store), TrainedRunStore.RunId, Silent).Load(step)).GetAwaiter().GetResult();

    /// <summary>Flips one byte in the middle of a blob, through the store.</summary>
    private static string Damage(string store, long step, string file)
    {
        var blobs = new LocalFolderBlobStore(store);
        var name = CheckpointLayout.BlobName(RunCheckpoints.Prefix(TrainedRunStore.RunId), step, file);
        Task.Run(async () =>
        {
            var content = (await blobs.Read(name))!.Data;
            content[content.Length / 2] ^= 0x20;
            await blobs.Write(name, new MemoryStream(content));
        }).GetAwaiter().GetResult();
        return name;
    }

    [Fact]
    public void List_shows_every_checkpoint_step_with_its_size_and_marks_the_newest_as_latest()
    {
        var committed = Committed(run.Store);
        Assert.Contains(2L, committed);

        var (code, output, _) = Bam("checkpoint", "list", TrainedRunStore.RunId, "--store-folder", run.Store, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var checkpoints = json.RootElement.GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal(committed, checkpoints.Select(c => c.GetProperty("step").GetInt64()));
        Assert.All(checkpoints, c => Assert.Equal("complete", c.GetProperty("status").GetString()));
        Assert.Equal([true, .. Enumerable.Repeat(false, checkpoints.Count - 1)], checkpoints.Select(c => c.GetProperty("latest").GetBoolean()));
        Assert.Equal(committed[0], json.RootElement.GetProperty("latestStep").GetInt64());
        foreach (var c in checkpoints)
        {
            // The size is every blob of the folder, as the store reports them.
            var folder = Path.Combine(run.Store, CheckpointLayout.Folder(RunCheckpoints.Prefix(TrainedRunStore.RunId), c.GetProperty("step").GetInt64()));
            Assert.Equal(Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length), c.GetProperty("bytes").GetInt64());
        }

        var (humanCode, human, _) = Bam("checkpoint", "list", TrainedRunStore.RunId, "--store-folder", run.Store);
        Assert.Equal(0, humanCode);
        Assert.Contains($"latest: step {committed[0]}", human);
        Assert.Contains("complete", human);
    }

    [Fact]
    public void Verify_exits_0_when_every_checkpoint_verifies()
    {
        var (code, output, errors) = Bam("checkpoint", "verify", TrainedRunStore.RunId, "--store-folder", run.Store, "--json");

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(Committed(run.Store).Count, json.RootElement.GetProperty("checkpoints").GetArrayLength());
    }

    [Fact]
    public void A_damaged_blob_makes_verify_exit_4_naming_it_and_list_mark_it_and_latest_falls_back()
    {
        var store = run.CopyStore();
        var committed = Committed(store);
        Assert.True(committed.Count >= 2, $"the run should have written at least 2 checkpoints, found {committed.Count}");
        var damaged = Damage(store, committed[0], CheckpointLayout.ModelFile);

        var (code, output, errors) = Bam("checkpoint", "verify", TrainedRunStore.RunId, "--store-folder", store);
        Assert.Equal(4, code);
        Assert.Contains(damaged, errors);
        Assert.Contains(damaged, output);
        Assert.Contains("SHA-256", errors);

        // The older checkpoint on its own still verifies.
        Assert.Equal(0, Bam("checkpoint", "verify", TrainedRunStore.RunId, "--step", committed[1].ToString(), "--store-folder", store).Code);
        Assert.Equal(4, Bam("checkpoint", "verify", TrainedRunStore.RunId, "--step", committed[0].ToString(), "--store-folder", store).Code);

        var (listCode, listOutput, _) = Bam("checkpoint", "list", TrainedRunStore.RunId, "--store-folder", store, "--json");
        Assert.Equal(0, listCode);
        using var json = JsonDocument.Parse(listOutput);
        var newest = json.RootElement.GetProperty("checkpoints")[0];
        Assert.Equal("damaged", newest.GetProperty("status").GetString());
        Assert.Equal(damaged, newest.GetProperty("damagedBlob").GetString());
        Assert.False(newest.GetProperty("latest").GetBoolean());
        Assert.Equal(committed[1], json.RootElement.GetProperty("latestStep").GetInt64());

        // Export without --step takes the latest that verifies, as a resuming run would.
        var file = Path.Combine(run.Root, Guid.NewGuid().ToString("N") + ".safetensors");
        Assert.Equal(0, Bam("checkpoint", "export", TrainedRunStore.RunId, "--store-folder", store, "--out", file).Code);
        Assert.Equal(committed[1], EncoderExport.ReadFile(file).Metadata.Step);
        // Asking for the damaged one by step is refused, naming the blob.
        var (exportCode, _, exportErrors) = Bam("checkpoint", "export", TrainedRunStore.RunId, "--step", committed[0].ToString(),
            "--store-folder", store, "--out", file + "2.safetensors");
        Assert.Equal(4, exportCode);
        Assert.Contains(damaged, exportErrors);
    }

    [Fact]
    public void Export_writes_the_latest_checkpoints_student_weights_with_the_runs_encoder_metadata()
    {
        var latest = Committed(run.Store)[0];
        var file = Path.Combine(run.Root, Guid.NewGuid().ToString("N") + ".safetensors");

        var (code, output, _) = Bam("checkpoint", "export", TrainedRunStore.RunId, "--store-folder", run.Store, "--out", file);

        Assert.Equal(0, code);
        Assert.Contains(Path.GetFullPath(file), output);
        var exported = EncoderExport.ReadFile(file);
        var checkpoint = Load(run.Store, latest);
        Assert.Equal(latest, exported.Metadata.Step);
        Assert.Equal(TrainedRunStore.RunId, exported.Metadata.RunId);
        Assert.Equal(checkpoint.Manifest, exported.Metadata.Source);
        // Every registered name once; TorchSharp's field aliases ("backbone._bn1.weight") are left out.
        Assert.Equal(checkpoint.Model.Select(t => t.Name).Where(n => !n.Split('.').Any(s => s.StartsWith('_'))).Order(),
            exported.Tensors.Select(t => t.Name).Order());
        var stored = checkpoint.Model.ToDictionary(t => t.Name);
        Assert.All(exported.Tensors, t =>
        {
            Assert.Equal(stored[t.Name].Shape, t.Shape);
            Assert.True(stored[t.Name].Data.AsSpan().SequenceEqual(t.Data), $"tensor '{t.Name}' differs from the checkpoint's");
        });
        // The run definition the checkpoint carries decides the encoder and its normalizer.
        var definition = RunDefinitionJson.FromSettings(new Grains.Runs.RunSettings(RunDefinitionJson.Format, checkpoint.RunDefinition));
        Assert.Equal(definition.Config.Seed, exported.Metadata.Seed);
        Assert.Equal(definition.NormalizerMean, exported.Metadata.NormalizerMean);
        Assert.Equal(definition.Config.Encoder.Width, exported.Metadata.Encoder.Width);
        using var encoder = exported.CreateEncoder();
        Assert.Equal(encoder.FeatureDim, exported.Metadata.FeatureDim);
    }

    [Fact]
    public void An_unknown_run_or_step_or_a_missing_store_is_bad_input_with_one_line()
    {
        var (unknownCode, _, unknownErrors) = Bam("checkpoint", "verify", "no-such-run", "--store-folder", run.Store);
        Assert.Equal(2, unknownCode);
        Assert.Contains("run 'no-such-run' has no committed checkpoint", unknownErrors);

        var (stepCode, _, stepErrors) = Bam("checkpoint", "export", TrainedRunStore.RunId, "--step", "3", "--store-folder", run.Store,
            "--out", Path.Combine(run.Root, "x.safetensors"));
        Assert.Equal(2, stepCode);
        Assert.Contains("no committed checkpoint at step 3", stepErrors);

        var (storeCode, _, storeErrors) = Bam("checkpoint", "list", TrainedRunStore.RunId);
        Assert.Equal(2, storeCode);
        Assert.Contains("--store-folder", storeErrors);
        Assert.Single(storeErrors.Trim().Split('\n'));
    }
}
