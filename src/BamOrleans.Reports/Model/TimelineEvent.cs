namespace BamOrleans.Reports.Model;

/// <summary>Something that happened to the run at a time and step.</summary>
/// <param name="Time">When it happened; shown in UTC whatever the offset.</param>
/// <param name="Step">The training step the run was at.</param>
/// <param name="Generation">The cluster generation (it grows with every membership change).</param>
/// <param name="Detail">Free text, e.g. which silo and why.</param>
public sealed record TimelineEvent(DateTimeOffset Time, long Step, int Generation, TimelineEventKind Kind, string Detail);
