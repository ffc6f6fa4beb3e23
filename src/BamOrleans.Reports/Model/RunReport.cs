namespace BamOrleans.Reports.Model;

/// <summary>
/// Everything one run's report shows, as plain data. <paramref name="GeneratedAt"/> is given rather
/// than read from the clock so that the same input always writes the same report.
/// </summary>
/// <param name="RunId">The run's id, as the store and the logs name it.</param>
/// <param name="Title">The page's heading.</param>
/// <param name="GeneratedAt">When the report was made; shown, never used for anything else.</param>
/// <param name="ConfigText">The run's config document (YAML or JSON), shown verbatim.</param>
/// <param name="KeyFacts">A short list of what matters at a glance: dataset, silos, slots, batch, steps.</param>
/// <param name="Steps">The logged training steps, in any order.</param>
/// <param name="KnnPoints">Online k-NN top-1 against step; may be empty.</param>
/// <param name="Evaluation">The final evaluation table; may be empty.</param>
/// <param name="Timeline">What happened to the run and its silos, in any order.</param>
public sealed record RunReport(
    string RunId,
    string Title,
    DateTimeOffset GeneratedAt,
    string ConfigText,
    IReadOnlyList<KeyFact> KeyFacts,
    IReadOnlyList<StepRecord> Steps,
    IReadOnlyList<KnnPoint> KnnPoints,
    IReadOnlyList<EvaluationRow> Evaluation,
    IReadOnlyList<TimelineEvent> Timeline);
