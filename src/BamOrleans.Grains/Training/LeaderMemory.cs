using BamOrleans.Grains.Data;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>
/// The aggregator's access to the run's per-image memory, which lives with the data: the pool
/// routes each index to the memory-bank grain beside its shard. A read sees every update staged by
/// earlier steps and never the step's own, so a retried step reads what its first attempt read.
/// </summary>
internal sealed class LeaderMemory(string runId, IGrainFactory grains)
{
    private IDataPoolGrain Pool => grains.GetGrain<IDataPoolGrain>(runId);

    /// <summary>The rows of <paramref name="indices"/>, in order; abandons the step when the pool
    /// refuses the stamp (the run moved on).</summary>
    public async Task<(float[] Rows, int Width)> Read(StepStamp stamp, int[] indices)
    {
        var answer = await Pool.ReadMemory(stamp, indices);
        if (answer.Refused is { } reason)
            throw new StepAbandonedException($"step {stamp}: the data pool refused the memory read ({reason})");
        return (answer.Rows, answer.Width);
    }

    /// <summary>Stages the step's new rows; they are committed when the next step reads or stages.</summary>
    public async Task Stage(StepStamp stamp, int[] indices, float[] rows)
    {
        if (await Pool.StageMemory(stamp, indices, rows) is { } reason)
            throw new StepAbandonedException($"step {stamp}: the data pool refused the memory write ({reason})");
    }
}
