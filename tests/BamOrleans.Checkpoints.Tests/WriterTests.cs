using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>The background writer: pruning, the latest-only queue, and its per-checkpoint report.</summary>
[Collection(TorchCollection.Name)]
public sealed class WriterTests : IDisposable
{
    private const string Prefix = "runs/r1/checkpoints";
    private readonly TemporaryFolderBlobStore _store = new();
    private readonly Encoder _model = Encoder.Create(TinyRun.Config().Encoder, seed: 3);
    private readonly IOptimizer _optimizer;

    public WriterTests() => _optimizer = OptimizerFactory.Create(OptimizerKind.AdamW, _model);

    private CheckpointSnapshot Snapshot(long step) => TinyRun.Snapshot(_model, _optimizer, step);

    private async Task<long[]> CommittedSteps() => [.. await new CheckpointReader(_store, Prefix, TinyRun.Silent).ListCommitted()];

    [Fact]
    public async Task Keep_last_k_leaves_exactly_k_complete_checkpoints_and_nothing_of_the_others()
    {
        await using var writer = new CheckpointWriter(_store, Prefix, keepLast: 2, TinyRun.Silent);
        foreach (var step in new long[] { 10, 20, 30, 40, 50 })
        {
            writer.Submit(Snapshot(step));
            await writer.Flush();
        }

        Assert.Equal(new long[] { 50, 40 }, await CommittedSteps());
        // No teacher here: model.bin, optimizer.bin, state.json and manifest.json per checkpoint.
        var folders = (await _store.List(Prefix + "/"))
            .Select(b => CheckpointLayout.TryParse(Prefix, b.Name, out var step, out _) ? step : -1).Distinct().Order();
        Assert.Equal([40, 50], folders);
        foreach (var step in new long[] { 40, 50 })
            Assert.Equal(4, (await _store.List(CheckpointLayout.Folder(Prefix, step) + "/")).Count);
        Assert.Equal(50, (await new CheckpointReader(_store, Prefix, TinyRun.Silent).LoadLatest())?.NextStep);
    }

    [Fact]
    public async Task Five_quick_submissions_write_the_in_flight_one_and_the_newest_and_never_expose_a_partial_latest()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var violations = new List<string>();
        var hooked = new HookedBlobStore(_store);
        hooked.BeforeChange = async name =>
        {
            // Between any two store operations, "latest" must be a checkpoint that verifies.
            var (checkLog, checkSink) = CollectingSink.Logger();
            var reader = new CheckpointReader(_store, Prefix, checkLog);
            var committed = await reader.ListCommitted();
            var latest = await reader.LoadLatest();
            if (checkSink.Warnings.Count > 0 || latest?.NextStep != (committed.Count > 0 ? committed[0] : null))
                violations.Add($"before changing {name}: latest is {latest?.NextStep}, committed {string.Join(",", committed)}");
            if (entered.TrySetResult()) await release.Task; // hold the first upload
        };
        var (log, sink) = CollectingSink.Logger();
        await using var writer = new CheckpointWriter(hooked, Prefix, keepLast: 3, log);

        writer.Submit(Snapshot(1));
        await entered.Task;
        foreach (var step in new long[] { 2, 3, 4, 5 }) writer.Submit(Snapshot(step));
        release.SetResult();
        await writer.Flush();

        Assert.Empty(violations);
        Assert.Equal([1, 5], writer.Completed.Select(c => c.Step));
        Assert.Equal([2, 3, 4], writer.Dropped);
        Assert.Equal(3, sink.Warnings.Count(w => w.MessageTemplate.Text.Contains("dropped before upload")));
        Assert.Equal(new long[] { 5, 1 }, await CommittedSteps());
        Assert.Equal(5, (await new CheckpointReader(_store, Prefix, TinyRun.Silent).LoadLatest())?.NextStep);
    }

    [Fact]
    public async Task Each_checkpoint_reports_its_bytes_and_times()
    {
        var events = new List<CheckpointWritten>();
        await using var writer = new CheckpointWriter(_store, Prefix, keepLast: 3, TinyRun.Silent);
        writer.Written += events.Add;
        writer.Submit(Snapshot(7));
        await writer.Flush();

        var written = Assert.Single(writer.Completed);
        Assert.Equal(written, Assert.Single(events));
        var blobs = await _store.List(CheckpointLayout.Folder(Prefix, 7) + "/");
        Assert.Equal(blobs.Sum(b => b.Length), written.Bytes);
        Assert.Equal(CheckpointLayout.BlobName(Prefix, 7, CheckpointLayout.ManifestFile), written.Manifest);
        Assert.True(written.SnapshotSeconds >= 0 && written.UploadSeconds >= 0);
    }

    [Fact]
    public async Task Re_checkpointing_a_step_replaces_it_and_the_result_verifies()
    {
        await using var writer = new CheckpointWriter(_store, Prefix, keepLast: 3, TinyRun.Silent);
        writer.Submit(Snapshot(4));
        await writer.Flush();
        writer.Submit(CheckpointSnapshot.Take(4, 0, _model, null, _optimizer, TinyRun.RunDefinition, "{\"again\":true}"));
        await writer.Flush();

        Assert.Equal(2, writer.Completed.Count);
        Assert.Equal("{\"again\":true}", (await new CheckpointReader(_store, Prefix, TinyRun.Silent).LoadLatest())?.DataState);
    }

    [Fact]
    public async Task A_failed_upload_is_recorded_and_the_next_checkpoint_still_commits()
    {
        var hooked = new HookedBlobStore(_store) { FailWrite = name => name.Contains("/000000000001/") };
        await using var writer = new CheckpointWriter(hooked, Prefix, keepLast: 3, TinyRun.Silent);
        writer.Submit(Snapshot(1));
        await writer.Flush();
        writer.Submit(Snapshot(2));
        await writer.Flush();

        Assert.Equal(1, Assert.Single(writer.Failed).Step);
        Assert.Equal(new long[] { 2 }, await CommittedSteps());
    }

    [Fact]
    public async Task Submitting_after_dispose_is_refused()
    {
        var writer = new CheckpointWriter(_store, Prefix, keepLast: 1, TinyRun.Silent);
        writer.Submit(Snapshot(1));
        await writer.DisposeAsync();

        Assert.Equal(new long[] { 1 }, await CommittedSteps()); // dispose flushed what was queued
        Assert.Throws<ObjectDisposedException>(() => writer.Submit(Snapshot(2)));
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _store.Dispose();
    }
}
