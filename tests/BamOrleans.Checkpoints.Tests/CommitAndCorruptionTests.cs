using System.Text;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>The manifest is the commit point, and a damaged newest checkpoint falls back to the one before.</summary>
[Collection(TorchCollection.Name)]
public sealed class CommitAndCorruptionTests : IDisposable
{
    private const string Prefix = "runs/r1/checkpoints";
    private const string FallbackTemplate = "checkpoint {Blob} is corrupt: {Reason}; trying the previous one";
    private readonly TemporaryFolderBlobStore _store = new();
    private readonly SingleProcessTrainer _trainer = TinyRun.Trainer(TinyRun.Config());

    /// <summary>Commits checkpoints at steps 1 and 2 of a real run.</summary>
    private async Task WriteTwoCheckpoints(Func<string, bool>? failWrite = null)
    {
        var store = new HookedBlobStore(_store);
        await using var writer = new CheckpointWriter(store, Prefix, keepLast: 5, TinyRun.Silent);
        _trainer.Step();
        writer.Submit(TinyRun.Snapshot(_trainer));
        await writer.Flush();
        store.FailWrite = failWrite;
        _trainer.Step();
        writer.Submit(TinyRun.Snapshot(_trainer));
        await writer.Flush();
    }

    private static string Name(long step, string file) => CheckpointLayout.BlobName(Prefix, step, file);

    private async Task Overwrite(string name, Func<byte[], byte[]> change)
    {
        var content = await _store.Read(name) ?? throw new InvalidOperationException($"{name} was not written");
        await _store.Write(name, new MemoryStream(change(content.Data)));
    }

    private async Task<(LoadedCheckpoint? Loaded, CollectingSink Sink)> LoadLatest()
    {
        var (log, sink) = CollectingSink.Logger();
        return (await new CheckpointReader(_store, Prefix, log).LoadLatest(), sink);
    }

    private static void AssertFellBackNaming(CollectingSink sink, string blob)
    {
        var warning = Assert.Single(sink.Warnings);
        Assert.Equal(FallbackTemplate, warning.MessageTemplate.Text);
        Assert.Equal(blob, CollectingSink.Property(warning, "Blob"));
    }

    [Fact]
    public async Task A_checkpoint_without_its_manifest_is_ignored()
    {
        await WriteTwoCheckpoints();
        Assert.True(await _store.Delete(Name(2, CheckpointLayout.ManifestFile)));

        var (loaded, sink) = await LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        Assert.Empty(sink.Warnings); // not corrupt: never committed
    }

    [Fact]
    public async Task An_upload_killed_before_its_manifest_leaves_the_previous_checkpoint_latest()
    {
        await WriteTwoCheckpoints(failWrite: name => name.EndsWith("/" + CheckpointLayout.ManifestFile, StringComparison.Ordinal));

        Assert.NotNull(await _store.GetInfo(Name(2, CheckpointLayout.ModelFile)));
        Assert.NotNull(await _store.GetInfo(Name(2, CheckpointLayout.StateFile)));
        Assert.Null(await _store.GetInfo(Name(2, CheckpointLayout.ManifestFile)));
        var (loaded, sink) = await LoadLatest();
        Assert.Equal(1, loaded?.NextStep);
        Assert.Empty(sink.Warnings);
    }

    [Fact]
    public async Task The_next_commit_removes_the_blobs_of_an_upload_that_died()
    {
        await WriteTwoCheckpoints(failWrite: name => name.EndsWith("/" + CheckpointLayout.ManifestFile, StringComparison.Ordinal));
        await using (var writer = new CheckpointWriter(_store, Prefix, keepLast: 5, TinyRun.Silent))
        {
            _trainer.Step();
            writer.Submit(TinyRun.Snapshot(_trainer));
            await writer.Flush();
        }

        Assert.Empty(await _store.List(CheckpointLayout.Folder(Prefix, 2) + "/"));
        Assert.NotEmpty(await _store.List(CheckpointLayout.Folder(Prefix, 1) + "/"));
        Assert.Equal(3, (await LoadLatest()).Loaded?.NextStep);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    public async Task A_damaged_newest_model_blob_is_named_in_a_warning_and_the_previous_checkpoint_is_loaded(string damage)
    {
        await WriteTwoCheckpoints();
        var model = Name(2, CheckpointLayout.ModelFile);
        await Overwrite(model, bytes =>
        {
            if (damage == "truncate") return bytes[..(bytes.Length / 2)];
            bytes[bytes.Length / 2] ^= 0x01;
            return bytes;
        });

        var (loaded, sink) = await LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        AssertFellBackNaming(sink, model);
        var reason = CollectingSink.Property(sink.Warnings[0], "Reason");
        Assert.Contains(damage == "truncate" ? "bytes but the manifest says" : "SHA-256", reason);
    }

    [Fact]
    public async Task A_manifest_that_is_not_json_is_named_in_a_warning_and_the_previous_checkpoint_is_loaded()
    {
        await WriteTwoCheckpoints();
        var manifest = Name(2, CheckpointLayout.ManifestFile);
        await Overwrite(manifest, _ => Encoding.UTF8.GetBytes("{ \"formatVersion\": 1, \"nextStep\": "));

        var (loaded, sink) = await LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        AssertFellBackNaming(sink, manifest);
    }

    [Fact]
    public async Task A_manifest_missing_a_member_is_corrupt_not_defaulted()
    {
        await WriteTwoCheckpoints();
        var manifest = Name(2, CheckpointLayout.ManifestFile);
        await Overwrite(manifest, _ => Encoding.UTF8.GetBytes("""{ "formatVersion": 1, "nextStep": 2, "epoch": 0, "createdUtc": "2025-01-01T00:00:00Z" }"""));

        var (loaded, sink) = await LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        AssertFellBackNaming(sink, manifest);
    }

    [Fact]
    public async Task A_missing_blob_listed_by_the_manifest_is_named()
    {
        await WriteTwoCheckpoints();
        var optimizer = Name(2, CheckpointLayout.OptimizerFile);
        await _store.Delete(optimizer);

        var (loaded, sink) = await LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        AssertFellBackNaming(sink, optimizer);
    }

    [Fact]
    public async Task When_no_checkpoint_verifies_the_reader_returns_null()
    {
        await WriteTwoCheckpoints();
        await Overwrite(Name(1, CheckpointLayout.StateFile), bytes => bytes[1..]);
        await Overwrite(Name(2, CheckpointLayout.StateFile), bytes => bytes[1..]);

        var (loaded, sink) = await LoadLatest();

        Assert.Null(loaded);
        Assert.Equal(2, sink.Warnings.Count(w => w.MessageTemplate.Text == FallbackTemplate));
    }

    [Fact]
    public async Task An_empty_prefix_folder_means_a_fresh_run()
    {
        var (loaded, sink) = await LoadLatest();

        Assert.Null(loaded);
        Assert.Empty(sink.Warnings);
    }

    public void Dispose()
    {
        _trainer.Dispose();
        _store.Dispose();
    }
}
