namespace BamOrleans.Grains.Training;

/// <summary>Step 1, slot → aggregator: the slot's normalised rows (V·B × D, view-major) and the
/// step's objective settings.</summary>
/// <param name="SlotIndex">w, the slot's position in the generation's ordered slot list.</param>
/// <param name="SlotCount">W, the slots of the generation.</param>
[GenerateSerializer, Immutable, Alias("bam.EmbeddingsUpload")]
public sealed record EmbeddingsUpload(
    [property: Id(0)] int SlotIndex,
    [property: Id(1)] int SlotCount,
    [property: Id(2)] StepObjective Objective,
    [property: Id(3)] TensorBlock Rows);

/// <summary>Step 2, aggregator → slot: the global columns C (K × D) and the Sinkhorn column scales
/// log v (K), from which the slot derives its exact target rows.</summary>
/// <param name="LeaderSeconds">Time the leader spent gathering the rows into S and running
/// Sinkhorn for this step (for the step-time breakdown).</param>
[GenerateSerializer, Immutable, Alias("bam.TargetsDownload")]
public sealed record TargetsDownload(
    [property: Id(0)] TensorBlock Columns,
    [property: Id(1)] TensorBlock LogColumnScales,
    [property: Id(2)] double Epsilon,
    [property: Id(3)] double LeaderSeconds);

/// <summary>Step 3, slot → aggregator: dL_w/dC for all K columns (K × D); only without an EMA teacher.</summary>
[GenerateSerializer, Immutable, Alias("bam.ColumnGradientUpload")]
public sealed record ColumnGradientUpload(
    [property: Id(0)] int SlotIndex,
    [property: Id(1)] int SlotCount,
    [property: Id(2)] TensorBlock Gradient);
