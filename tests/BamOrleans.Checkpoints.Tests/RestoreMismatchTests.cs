using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests;

[Collection(TorchCollection.Name)]
public sealed class RestoreMismatchTests : IDisposable
{
    private const string Prefix = "runs/r1/checkpoints";
    private readonly TemporaryFolderBlobStore _store = new();

    private async Task<LoadedCheckpoint> Checkpoint(EncoderOptions options, bool teacher = false)
    {
        using var model = Encoder.Create(options, seed: 5);
        using var ema = teacher ? EmaTeacher.CreateTeacher(model) : null;
        using var optimizer = OptimizerFactory.Create(OptimizerKind.AdamW, model);
        await using (var writer = new CheckpointWriter(_store, Prefix, keepLast: 1, TinyRun.Silent))
        {
            writer.Submit(CheckpointSnapshot.Take(3, 0, model, ema, optimizer, TinyRun.RunDefinition, "{}"));
        }
        return await new CheckpointReader(_store, Prefix, TinyRun.Silent).LoadLatest() ?? throw new InvalidOperationException("not written");
    }

    [Fact]
    public async Task Another_architecture_is_refused_naming_the_tensor_and_nothing_is_copied()
    {
        var small = TinyRun.Config(width: 4).Encoder;
        var wider = TinyRun.Config(width: 8).Encoder;
        var loaded = await Checkpoint(small);
        using var model = Encoder.Create(wider, seed: 9);
        using var optimizer = OptimizerFactory.Create(OptimizerKind.AdamW, model);
        using var reference = Encoder.Create(small, seed: 0);
        var differing = model.state_dict().First(kv => !kv.Value.shape.SequenceEqual(reference.state_dict()[kv.Key].shape)).Key;
        var before = TinyRun.Bytes(model);

        var e = Assert.Throws<CheckpointMismatchException>(() => loaded.RestoreInto(model, null, optimizer));

        Assert.Contains($"model tensor '{differing}'", e.Message);
        Assert.Contains(loaded.Manifest, e.Message);
        TinyRun.AssertSame(before, TinyRun.Bytes(model));
    }

    [Fact]
    public async Task Teacher_presence_and_optimizer_kind_must_match()
    {
        var options = TinyRun.Config().Encoder;
        var loaded = await Checkpoint(options, teacher: true);
        using var model = Encoder.Create(options, seed: 9);
        using var lars = OptimizerFactory.Create(OptimizerKind.Lars, model);

        var e = Assert.Throws<CheckpointMismatchException>(() => loaded.RestoreInto(model, null, lars));

        Assert.Contains(e.Problems, p => p.Contains("EMA teacher"));
        Assert.Contains(e.Problems, p => p.Contains("AdamW") && p.Contains("Lars"));
    }

    [Fact]
    public async Task Loaded_checkpoint_lists_the_manifest_blobs()
    {
        var loaded = await Checkpoint(TinyRun.Config().Encoder, teacher: true);

        Assert.Equal(
            new[] { CheckpointLayout.ModelFile, CheckpointLayout.TeacherFile, CheckpointLayout.OptimizerFile, CheckpointLayout.StateFile }
                .Select(f => CheckpointLayout.BlobName(Prefix, 3, f)),
            loaded.Blobs);
    }

    public void Dispose() => _store.Dispose();
}
