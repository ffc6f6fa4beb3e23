using BamOrleans.Grains.Data;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// Where a run can resume from: the silo's view of the run's latest verifying checkpoint, reduced
/// to what the run and pool grains need. The worker implements it on the blob store; the grains
/// never see a checkpoint's format.
/// </summary>
public interface IRunResumePoints
{
    /// <summary>False when the silos have no blob store: no checkpoint can be written or read, so
    /// a run cannot take in new silos mid-run (they would need one to start from).</summary>
    bool IsAvailable { get; }

    /// <summary>The run's latest checkpoint whose checksums verify, or null when it has none.</summary>
    Task<RunResumePoint?> Latest(string runId);

    /// <summary>Whether a committed checkpoint opens the run at <paramref name="nextStep"/> (a
    /// listing; the reader that loads it verifies its checksums).</summary>
    Task<bool> HasCheckpointAt(string runId, long nextStep);
}

/// <param name="NextStep">The first step not in the checkpoint: the run opens there.</param>
/// <param name="Positions">The data pool's positions after the step before.</param>
/// <param name="DefinitionDocument">The run settings' document the checkpoint was trained with.</param>
/// <param name="Source">Where it was read from, for logs and errors.</param>
/// <param name="Memory">The memory bank after the step before, for a run that keeps one; null when
/// the checkpoint holds none.</param>
public sealed record RunResumePoint(long NextStep, DataPositions Positions, string DefinitionDocument, string Source,
    MemorySnapshot? Memory = null);

/// <summary>For silos without a blob store: no run has a checkpoint, every run starts at step 0.</summary>
public sealed class NoResumePoints : IRunResumePoints
{
    public bool IsAvailable => false;

    public Task<RunResumePoint?> Latest(string runId) => Task.FromResult<RunResumePoint?>(null);

    public Task<bool> HasCheckpointAt(string runId, long nextStep) => Task.FromResult(false);
}
