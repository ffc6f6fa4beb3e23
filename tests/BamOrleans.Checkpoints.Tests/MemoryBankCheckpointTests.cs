using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>
/// The memory bank in a checkpoint (memory.bin), on the real local-folder store: it comes back bit
/// for bit, a damaged one makes the checkpoint fail verification like any blob, and checkpoints
/// without one, old ones included, still load.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class MemoryBankCheckpointTests : IDisposable
{
    private const string Prefix = "runs/r1/checkpoints";
    private const int Images = 7, Width = 5;
    private const string FallbackTemplate = "checkpoint {Blob} is corrupt: {Reason}; trying the previous one";
    private readonly TemporaryFolderBlobStore _store = new();
    private readonly Encoder _model = Encoder.Create(TinyRun.Config().Encoder, seed: 3);
    private readonly IOptimizer _optimizer;

    public MemoryBankCheckpointTests() => _optimizer = OptimizerFactory.Create(OptimizerKind.AdamW, _model);

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _store.Dispose();
    }

    /// <summary>A bank whose every float differs from the other checkpoints' (and includes -0 and extremes).</summary>
    private static float[] Bank(long nextStep)
    {
        var rows = Enumerable.Range(0, Images * Width).Select(k => (float)Math.Sin(k + 100 * nextStep) / 3f).ToArray();
        rows[0] = -0f;
        rows[1] = float.MaxValue;
        rows[2] = float.Epsilon;
        return rows;
    }

    private CheckpointSnapshot Snapshot(long nextStep, bool withMemory = true) =>
        CheckpointSnapshot.Take(nextStep, 0, _model, null, _optimizer, TinyRun.RunDefinition, TinyRun.DataState(nextStep),
            withMemory ? new CheckpointMemoryBank(nextStep - 1, Width, Bank(nextStep)) : null);

    private async Task Write(params CheckpointSnapshot[] snapshots)
    {
        await using var writer = new CheckpointWriter(_store, Prefix, keepLast: 5, TinyRun.Silent);
        foreach (var snapshot in snapshots)
        {
            writer.Submit(snapshot);
            await writer.Flush();
        }
        Assert.Empty(writer.Failed);
    }

    private static string Name(long step, string file) => CheckpointLayout.BlobName(Prefix, step, file);

    private async Task<byte[]> ReadBlob(string name) => (await _store.Read(name) ?? throw new InvalidOperationException($"{name} was not written")).Data;

    private Task WriteBlob(string name, byte[] data) => _store.Write(name, new MemoryStream(data));

    private static void AssertSameBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));

    /// <summary>Replaces a JSON blob of step <paramref name="step"/> and records its new length and SHA-256 in the
    /// manifest, so the change is one a writer could have made, not damage.</summary>
    private async Task Rewrite(long step, string file, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(await ReadBlob(Name(step, file)))!.AsObject();
        change(json);
        var data = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        await WriteBlob(Name(step, file), data);
        if (file == CheckpointLayout.ManifestFile) return;
        var manifest = JsonNode.Parse(await ReadBlob(Name(step, CheckpointLayout.ManifestFile)))!.AsObject();
        var entry = manifest["blobs"]!.AsArray().Single(b => (string?)b!["name"] == file)!;
        entry["length"] = data.Length;
        entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(data));
        await WriteBlob(Name(step, CheckpointLayout.ManifestFile), System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    [Fact]
    public async Task The_bank_comes_back_bit_for_bit_as_a_checksummed_float32_tensor_of_rows_by_width()
    {
        var snapshot = Snapshot(3);
        await Write(snapshot);

        var loaded = await new CheckpointReader(_store, Prefix, TinyRun.Silent).LoadLatest();

        Assert.NotNull(loaded?.Memory);
        Assert.Equal((2L, Width, Images), (loaded.Memory.AfterStep, loaded.Memory.Width, loaded.Memory.Count));
        AssertSameBits(Bank(3), loaded.Memory.Rows);
        Assert.Contains(Name(3, CheckpointLayout.MemoryFile), loaded.Blobs);
        var tensor = Assert.Single(TensorFile.Read(await ReadBlob(Name(3, CheckpointLayout.MemoryFile)), "memory.bin"));
        Assert.Equal((CheckpointMemoryBank.TensorName, TensorDType.Float32), (tensor.Name, tensor.DType));
        Assert.Equal([Images, Width], tensor.Shape);
        Assert.Equal(snapshot.Model.Concat(snapshot.Optimizer).Sum(t => (long)t.Data.Length) + Images * Width * 4, snapshot.TensorBytes);
    }

    [Fact]
    public void The_snapshot_copies_the_bank_and_refuses_one_taken_at_another_boundary()
    {
        var rows = Bank(3);
        var snapshot = CheckpointSnapshot.Take(3, 0, _model, null, _optimizer, TinyRun.RunDefinition, TinyRun.DataState(3),
            new CheckpointMemoryBank(2, Width, rows));
        rows[5] = 42f; // the caller's bank moves on; the snapshot keeps the copy
        Assert.NotEqual(42f, BitConverter.ToSingle(snapshot.Memory!.Data, 5 * 4));

        var wrongStep = Assert.Throws<ArgumentException>(() => CheckpointSnapshot.Take(3, 0, _model, null, _optimizer,
            TinyRun.RunDefinition, TinyRun.DataState(3), new CheckpointMemoryBank(3, Width, Bank(3))));
        Assert.Contains("take the bank after step 2", wrongStep.Message);
        Assert.Throws<ArgumentException>(() => CheckpointSnapshot.Take(3, 0, _model, null, _optimizer,
            TinyRun.RunDefinition, TinyRun.DataState(3), new CheckpointMemoryBank(2, Width, Bank(3)[1..])));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public async Task A_damaged_memory_blob_fails_verification_and_the_previous_checkpoint_with_its_bank_is_loaded(string damage)
    {
        await Write(Snapshot(1), Snapshot(2));
        var blob = Name(2, CheckpointLayout.MemoryFile);
        var bytes = await ReadBlob(blob);
        if (damage == "flip") bytes[bytes.Length / 2] ^= 0x01;
        else bytes = bytes[..(bytes.Length / 2)];
        await WriteBlob(blob, bytes);
        var (log, sink) = CollectingSink.Logger();

        var loaded = await new CheckpointReader(_store, Prefix, log).LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        Assert.Equal(0, loaded!.Memory?.AfterStep);
        AssertSameBits(Bank(1), loaded.Memory!.Rows);
        var warning = Assert.Single(sink.Warnings);
        Assert.Equal(FallbackTemplate, warning.MessageTemplate.Text);
        Assert.Equal(blob, CollectingSink.Property(warning, "Blob"));
    }

    [Fact]
    public async Task A_manifest_that_drops_the_bank_a_state_says_it_has_is_corrupt()
    {
        await Write(Snapshot(1), Snapshot(2));
        await Rewrite(2, CheckpointLayout.ManifestFile, manifest =>
        {
            var blobs = manifest["blobs"]!.AsArray();
            blobs.Remove(blobs.Single(b => (string?)b!["name"] == CheckpointLayout.MemoryFile));
        });
        var (log, sink) = CollectingSink.Logger();

        var loaded = await new CheckpointReader(_store, Prefix, log).LoadLatest();

        Assert.Equal(1, loaded?.NextStep);
        Assert.Contains("lists no memory.bin", CollectingSink.Property(Assert.Single(sink.Warnings), "Reason"));
    }

    [Fact]
    public async Task A_checkpoint_without_a_bank_loads_with_none_and_so_does_one_written_before_banks_existed()
    {
        await Write(Snapshot(1, withMemory: false), Snapshot(2, withMemory: false));
        Assert.Null(await _store.GetInfo(Name(2, CheckpointLayout.MemoryFile)));
        var reader = new CheckpointReader(_store, Prefix, TinyRun.Silent);
        var loaded = await reader.Load(2);
        Assert.Null(loaded.Memory);

        // A state.json from before banks existed has no hasMemory member at all.
        await Rewrite(1, CheckpointLayout.StateFile, state => Assert.True(state.Remove("hasMemory")));
        var old = await reader.Load(1);
        Assert.Null(old.Memory);
        Assert.Equal(TinyRun.RunDefinition, old.RunDefinition);
    }
}
