using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>
/// The global batch aggregator of one run (key: run id), placed on the leader silo. Each step it
/// gathers every slot's upload, runs the leader half of the run's objective once on the global
/// batch (BAM: the balanced Sinkhorn; SwAV: the Sinkhorn codes; PIRL: the memory bank's rows),
/// and answers each slot; for objectives whose gradients flow into shared tensors (BAM without an
/// EMA teacher) it then sums the slots' gradients and returns each slot its part.
/// </summary>
/// <remarks>
/// Each call waits inside the grain until every slot of the step has called (the calls interleave),
/// at most <paramref name="wait"/>. Messages are judged by their stamp: the newest (generation,
/// step) seen opens the step; an older one is refused and counted, never mixed in.
/// </remarks>
[Alias("bam.IBatchAggregatorGrain")]
public interface IBatchAggregatorGrain : IGrainWithStringKey
{
    [Alias("ExchangeUploads")]
    Task<ExchangeResult<ObjectiveDownload>> ExchangeUploads(StepStamp stamp, ObjectiveUpload upload, TimeSpan wait);

    [Alias("ExchangeSharedGradients")]
    Task<ExchangeResult<TensorBlock>> ExchangeSharedGradients(StepStamp stamp, SharedGradientUpload upload, TimeSpan wait);

    /// <summary>Where the aggregator runs, the last step it completed, and its refusals.</summary>
    [Alias("GetSnapshot")]
    Task<ExchangeSnapshot> GetSnapshot();
}
