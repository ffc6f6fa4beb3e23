using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>
/// One shard of the parameter-gradient average of a run (key: "{runId}/{shard}"). Each slot sends
/// the same slice of its flattened gradient to the same shard; when all W are in, the shard answers
/// every slot with their mean, summed in slot order so every replica gets the same bits. The model
/// is split over at least W shards, so no grain carries all of it and the work spreads with the
/// slots; each shard's slice stays under Orleans' message size limit.
/// </summary>
[Alias("bam.IGradientShardGrain")]
public interface IGradientShardGrain : IGrainWithStringKey
{
    [Alias("Average")]
    Task<ExchangeResult<float[]>> Average(StepStamp stamp, int slotIndex, int slotCount, float[] values, TimeSpan wait);

    [Alias("GetSnapshot")]
    Task<ExchangeSnapshot> GetSnapshot();
}
