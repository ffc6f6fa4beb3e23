namespace BamOrleans.Grains.Training;

/// <summary>
/// What the leader needs to run one step's Sinkhorn, sent by every slot with its rows. The slots
/// derive it from the run's config and the step's ε schedule; the aggregator refuses a step whose
/// slots disagree, which would mean they run different configs.
/// </summary>
/// <param name="GlobalViews">G, global views per image (the target rows).</param>
/// <param name="LocalViews">L, local crops per image.</param>
/// <param name="TargetViews">T, the views that are attention columns.</param>
/// <param name="SinkhornIterations">Balancing rounds.</param>
/// <param name="TopK">Top-k sparsification of the targets (0: off); applied on the slots, carried for the check.</param>
/// <param name="EmaTeacher">Whether the rows are an EMA teacher's (then the columns take no gradient).</param>
/// <param name="Epsilon">This step's ε.</param>
[GenerateSerializer, Immutable, Alias("bam.StepObjective")]
public sealed record StepObjective(
    [property: Id(0)] int GlobalViews,
    [property: Id(1)] int LocalViews,
    [property: Id(2)] int TargetViews,
    [property: Id(3)] int SinkhornIterations,
    [property: Id(4)] int TopK,
    [property: Id(5)] bool EmaTeacher,
    [property: Id(6)] double Epsilon);
