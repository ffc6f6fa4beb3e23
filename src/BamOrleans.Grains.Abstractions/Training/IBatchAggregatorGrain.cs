using BamOrleans.Grains.Steps;

namespace BamOrleans.Grains.Training;

/// <summary>
/// The global batch aggregator of one run (key: run id), placed on the leader silo. Each step it
/// gathers every slot's rows, runs the balanced Sinkhorn once on the global batch, and answers each
/// slot with the columns and column scales; without an EMA teacher it then sums the slots' column
/// gradients and returns each slot its own columns' part (the backward of the all-gather).
/// </summary>
/// <remarks>
/// Each call waits inside the grain until every slot of the step has called (the calls interleave),
/// at most <paramref name="wait"/>. Messages are judged by their stamp: the newest (generation,
/// step) seen opens the step; an older one is refused and counted, never mixed in.
/// </remarks>
[Alias("bam.IBatchAggregatorGrain")]
public interface IBatchAggregatorGrain : IGrainWithStringKey
{
    [Alias("ExchangeEmbeddings")]
    Task<ExchangeResult<TargetsDownload>> ExchangeEmbeddings(StepStamp stamp, EmbeddingsUpload upload, TimeSpan wait);

    [Alias("ExchangeColumnGradients")]
    Task<ExchangeResult<TensorBlock>> ExchangeColumnGradients(StepStamp stamp, ColumnGradientUpload upload, TimeSpan wait);

    /// <summary>Where the aggregator runs, the last step it completed, and its refusals.</summary>
    [Alias("GetSnapshot")]
    Task<ExchangeSnapshot> GetSnapshot();
}
