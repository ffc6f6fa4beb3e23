using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>The aggregator's access to the run's per-image memory, which lives with the data
/// (the pool routes to the memory-bank grains beside the shards).</summary>
internal sealed class LeaderMemory(string runId, IGrainFactory grains)
{
    public Task<(float[] Rows, int Width)> Read(StepStamp stamp, int[] indices) =>
        throw new NotSupportedException($"run {runId}: per-image memory is not wired yet ({grains.GetType().Name}, {stamp}, {indices.Length})");

    public Task Stage(StepStamp stamp, int[] indices, float[] rows) =>
        throw new NotSupportedException($"run {runId}: per-image memory is not wired yet ({stamp}, {indices.Length}, {rows.Length})");
}
