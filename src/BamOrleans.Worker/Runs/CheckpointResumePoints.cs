using BamOrleans.Grains.Runs;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Worker.Runs;

/// <summary>A run's resume point read from its latest verifying checkpoint in this silo's blob store.</summary>
public sealed class CheckpointResumePoints(IBlobStore store, ILogger log) : IRunResumePoints
{
    public bool IsAvailable => true;

    public async Task<bool> HasCheckpointAt(string runId, long nextStep) =>
        (await RunCheckpoints.Reader(store, runId, log).ListCommitted()).Contains(nextStep);

    public async Task<RunResumePoint?> Latest(string runId)
    {
        var checkpoint = await RunCheckpoints.Reader(store, runId, log).LoadLatest();
        return checkpoint is null
            ? null
            : new RunResumePoint(checkpoint.NextStep, RunCheckpoints.DecodePositions(checkpoint), checkpoint.RunDefinition,
                $"{store.Description}: {checkpoint.Manifest}", RunCheckpoints.DecodeMemory(checkpoint));
    }
}
