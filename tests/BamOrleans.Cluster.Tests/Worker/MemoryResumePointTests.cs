using BamOrleans.Checkpoints;
using BamOrleans.Core.Models;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Data;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Cluster.Tests.Worker;

/// <summary>
/// The silo's resume point carries the memory bank of the run's latest checkpoint to the run grain
/// (which restores it into the fresh pool), and none for a checkpoint without one.
/// </summary>
public sealed class MemoryResumePointTests : IDisposable
{
    private static readonly ILogger Silent = new LoggerConfiguration().CreateLogger();
    private readonly string _folder = Directory.CreateTempSubdirectory("bam-memory-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task WriteCheckpoint(IBlobStore store, string runId, long nextStep, CheckpointMemoryBank? memory)
    {
        using var model = Encoder.Create(EncoderOptions.ForFashionMnist() with { Width = 4, ProjectorHiddenDim = 8, ProjectorOutDim = 4 }, seed: 1);
        using var optimizer = OptimizerFactory.Create(OptimizerKind.AdamW, model);
        var positions = new DataPositions(nextStep - 1, 0, [6, 0], ["slot-a", null], [0, -1], 1, ["slot-a"]);
        await using var writer = new CheckpointWriter(store, RunCheckpoints.Prefix(runId), keepLast: 2, Silent);
        writer.Submit(CheckpointSnapshot.Take(nextStep, 0, model, null, optimizer, "{}", RunCheckpoints.EncodePositions(positions), memory));
        await writer.Flush();
        Assert.Empty(writer.Failed);
    }

    [Fact]
    public async Task The_latest_checkpoints_memory_bank_reaches_the_resume_point_bit_for_bit_and_a_checkpoint_without_one_gives_none()
    {
        var store = new LocalFolderBlobStore(_folder);
        float[] rows = [0.6f, -0.8f, -0f, 1f, 0.28f, 0.96f];
        await WriteCheckpoint(store, "with-bank", 3, new CheckpointMemoryBank(2, 2, rows));
        await WriteCheckpoint(store, "without-bank", 3, null);
        var resumePoints = new CheckpointResumePoints(store, Silent);

        var resume = await resumePoints.Latest("with-bank");
        Assert.NotNull(resume?.Memory);
        Assert.Equal((2L, 2, 2L), (resume.Memory.AfterStep, resume.Memory.Width, resume.Positions.AfterStep));
        Assert.Equal(rows.Select(BitConverter.SingleToInt32Bits), resume.Memory.Rows.Select(BitConverter.SingleToInt32Bits));

        var plain = await resumePoints.Latest("without-bank");
        Assert.NotNull(plain);
        Assert.Null(plain.Memory);
    }
}
