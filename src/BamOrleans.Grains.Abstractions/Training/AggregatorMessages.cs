namespace BamOrleans.Grains.Training;

/// <summary>Step 1, slot → aggregator: what the step's objective uploads (BAM: the slot's
/// normalised rows; SwAV: its assignment views' rows and prototypes; PIRL: its first view's rows)
/// and the slot's samples.</summary>
/// <param name="SlotIndex">w, the slot's position in the generation's ordered slot list.</param>
/// <param name="SlotCount">W, the slots of the generation.</param>
/// <param name="Samples">The dataset indices of the slot's images, in batch order (objectives
/// with per-image memory read and write the rows of these images).</param>
[GenerateSerializer, Immutable, Alias("bam.ObjectiveUpload")]
public sealed record ObjectiveUpload(
    [property: Id(0)] int SlotIndex,
    [property: Id(1)] int SlotCount,
    [property: Id(2)] StepObjective Objective,
    [property: Id(3)] int[] Samples,
    [property: Id(4)] TensorBlock[] Tensors);

/// <summary>Step 2, aggregator → slot: the leader's answer for this slot (BAM: the global columns
/// and the Sinkhorn column scales; SwAV: the slot's codes; PIRL: its memory rows and the negatives).</summary>
/// <param name="LeaderSeconds">Time the leader spent on the step's objective (memory reads and
/// writes included), for the step-time breakdown.</param>
[GenerateSerializer, Immutable, Alias("bam.ObjectiveDownload")]
public sealed record ObjectiveDownload(
    [property: Id(0)] TensorBlock[] Tensors,
    [property: Id(1)] double LeaderSeconds)
{
    /// <summary>Bytes of tensor data.</summary>
    public long Bytes => Tensors.Sum(t => t.Bytes);
}

/// <summary>Step 3, slot → aggregator: the gradient of the slot's share with respect to tensors
/// every slot shares (BAM without an EMA teacher: dL_w/dC for all K columns, K × D).</summary>
[GenerateSerializer, Immutable, Alias("bam.SharedGradientUpload")]
public sealed record SharedGradientUpload(
    [property: Id(0)] int SlotIndex,
    [property: Id(1)] int SlotCount,
    [property: Id(2)] TensorBlock Gradient);
