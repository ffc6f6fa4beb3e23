using System.Text;
using BamOrleans.Core.Training;
using BamOrleans.Storage;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>
/// The manifest is the commit point, and a damaged newest checkpoint falls back to the one before.
/// Every scenario runs on each backend (a derived class per store): damage is written through
/// <see cref="IBlobStore.Write"/>, so it is the same bytes whether a folder or Azure holds them.
/// </summary>
public abstract class CommitAndCorruptionTests : IAsyncLifetime
{
    private const string Prefix = "runs/r1/checkpoints";
    private const string FallbackTemplate = "checkpoint {Blob} is corrupt: {Reason}; trying the previous one";
    private readonly SingleProcessTrainer _trainer = TinyRun.Trainer(TinyRun.Config());
    private IBlobStore? _store;

    /// <summary>What the writer was given for step 1: what a fallback must return, bit for bit.</summary>
    private CheckpointSnapshot? _first;

    /// <summary>A new, empty store for one test; disposed after it when disposable.</summary>
    protected abstract Task<IBlobStore> OpenStore();

    private IBlobStore Store => _store ?? throw new InvalidOperationException("the store is opened in InitializeAsync");

    public async Task InitializeAsync() => _store = await OpenStore();

    public Task DisposeAsync()
    {
        _trainer.Dispose();
        (_store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Commits checkpoints at steps 1 and 2 of a real run.</summary>
    private async Task WriteTwoCheckpoints(Func<string, bool>? failWrite = null)
    {
        var store = new HookedBlobStore(Store);
        await using var writer = new CheckpointWriter(store, Prefix, keepLast: 5, TinyRun.Silent);
        _trainer.Step();
        _first = TinyRun.Snapshot(_trainer);
        writer.Submit(_first);
        await writer.Flush();
        store.FailWrite = failWrite;
        _trainer.Step();
        var second = TinyRun.Snapshot(_trainer);
        writer.Submit(second);
        await writer.Flush();
        // Otherwise "the previous checkpoint's tensors" could not tell the two apart.
        Assert.Contains(_first.Model.Zip(second.Model), pair => !pair.First.Data.AsSpan().SequenceEqual(pair.Second.Data));
    }

    private static string Name(long step, string file) => CheckpointLayout.BlobName(Prefix, step, file);

    private async Task Overwrite(string name, Func<byte[], byte[]> change)
    {
        var content = await Store.Read(name) ?? throw new InvalidOperationException($"{name} was not written");
        await Store.Write(name, new MemoryStream(change(content.Data)));
    }

    private async Task<(LoadedCheckpoint? Loaded, CollectingSink Sink)> LoadLatest()
    {
        var (log, sink) = CollectingSink.Logger();
        return (await new CheckpointReader(Store, Prefix, log).LoadLatest(), sink);
    }

    private static void AssertFellBackNaming(CollectingSink sink, string blob)
    {
        var warning = Assert.Single(sink.Warnings);
        Assert.Equal(FallbackTemplate, warning.MessageTemplate.Text);
        Assert.Equal(blob, CollectingSink.Property(warning, "Blob"));
    }

    /// <summary>The loaded checkpoint is step 1's, every tensor bit-equal to what was written.</summary>
    private void AssertIsTheFirstCheckpoint(LoadedCheckpoint? loaded)
    {
        var first = _first ?? throw new InvalidOperationException("no checkpoint was written");
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.NextStep);
        AssertSameTensors(first.Model, loaded.Model);
        Assert.Null(loaded.Teacher);
        AssertSameTensors(first.Optimizer, loaded.Optimizer);
    }

    private static void AssertSameTensors(IReadOnlyList<HostTensor> written, IReadOnlyList<HostTensor> read)
    {
        Assert.Equal(written.Select(t => t.Name), read.Select(t => t.Name));
        foreach (var (expected, actual) in written.Zip(read))
        {
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"tensor '{expected.Name}' differs from what was written");
        }
    }

    [Fact]
    public async Task A_checkpoint_without_its_manifest_is_ignored()
    {
        await WriteTwoCheckpoints();
        Assert.True(await Store.Delete(Name(2, CheckpointLayout.ManifestFile)));

        var (loaded, sink) = await LoadLatest();

        AssertIsTheFirstCheckpoint(loaded);
        Assert.Empty(sink.Warnings); // not corrupt: never committed
    }

    [Fact]
    public async Task An_upload_killed_before_its_manifest_leaves_the_previous_checkpoint_latest()
    {
        await WriteTwoCheckpoints(failWrite: name => name.EndsWith("/" + CheckpointLayout.ManifestFile, StringComparison.Ordinal));

        Assert.NotNull(await Store.GetInfo(Name(2, CheckpointLayout.ModelFile)));
        Assert.NotNull(await Store.GetInfo(Name(2, CheckpointLayout.StateFile)));
        Assert.Null(await Store.GetInfo(Name(2, CheckpointLayout.ManifestFile)));
        var (loaded, sink) = await LoadLatest();
        AssertIsTheFirstCheckpoint(loaded);
        Assert.Empty(sink.Warnings);
    }

    [Fact]
    public async Task The_next_commit_removes_the_blobs_of_an_upload_that_died()
    {
        await WriteTwoCheckpoints(failWrite: name => name.EndsWith("/" + CheckpointLayout.ManifestFile, StringComparison.Ordinal));
        await using (var writer = new CheckpointWriter(Store, Prefix, keepLast: 5, TinyRun.Silent))
        {
            _trainer.Step();
            writer.Submit(TinyRun.Snapshot(_trainer));
            await writer.Flush();
        }

        Assert.Empty(await Store.List(CheckpointLayout.Folder(Prefix, 2) + "/"));
        Assert.NotEmpty(await Store.List(CheckpointLayout.Folder(Prefix, 1) + "/"));
        Assert.Equal(3, (await LoadLatest()).Loaded?.NextStep);
    }

    [Theory]
    [InlineData(CheckpointLayout.ModelFile, "truncate")]
    [InlineData(CheckpointLayout.ModelFile, "flip")]
    [InlineData(CheckpointLayout.OptimizerFile, "truncate")]
    [InlineData(CheckpointLayout.OptimizerFile, "flip")]
    public async Task A_damaged_newest_tensor_blob_is_named_in_a_warning_and_the_previous_checkpoint_is_loaded(string file, string damage)
    {
        await WriteTwoCheckpoints();
        var blob = Name(2, file);
        await Overwrite(blob, bytes =>
        {
            if (damage == "truncate") return bytes[..(bytes.Length / 2)];
            bytes[bytes.Length / 2] ^= 0x01;
            return bytes;
        });

        var (loaded, sink) = await LoadLatest();

        AssertIsTheFirstCheckpoint(loaded);
        AssertFellBackNaming(sink, blob);
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

        AssertIsTheFirstCheckpoint(loaded);
        AssertFellBackNaming(sink, manifest);
    }

    [Fact]
    public async Task A_truncated_manifest_is_named_in_a_warning_and_the_previous_checkpoint_is_loaded()
    {
        await WriteTwoCheckpoints();
        var manifest = Name(2, CheckpointLayout.ManifestFile);
        await Overwrite(manifest, bytes => bytes[..(bytes.Length / 2)]);

        var (loaded, sink) = await LoadLatest();

        AssertIsTheFirstCheckpoint(loaded);
        AssertFellBackNaming(sink, manifest);
    }

    [Fact]
    public async Task A_manifest_missing_a_member_is_corrupt_not_defaulted()
    {
        await WriteTwoCheckpoints();
        var manifest = Name(2, CheckpointLayout.ManifestFile);
        await Overwrite(manifest, _ => Encoding.UTF8.GetBytes("""{ "formatVersion": 1, "nextStep": 2, "epoch": 0, "createdUtc": "2025-01-01T00:00:00Z" }"""));

        var (loaded, sink) = await LoadLatest();

        AssertIsTheFirstCheckpoint(loaded);
        AssertFellBackNaming(sink, manifest);
    }

    [Fact]
    public async Task A_missing_blob_listed_by_the_manifest_is_named()
    {
        await WriteTwoCheckpoints();
        var optimizer = Name(2, CheckpointLayout.OptimizerFile);
        Assert.True(await Store.Delete(optimizer));

        var (loaded, sink) = await LoadLatest();

        AssertIsTheFirstCheckpoint(loaded);
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
}
