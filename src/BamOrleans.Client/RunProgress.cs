namespace BamOrleans.Client;

/// <summary>A run's progress as the client sees it while watching.</summary>
/// <param name="CompletedSteps">Steps every slot has completed.</param>
/// <param name="PlannedSteps">The run's planned length.</param>
/// <param name="Generation">The membership generation.</param>
/// <param name="Slots">Slots of the current generation.</param>
/// <param name="LastLoss">The loss of the last completed step, as slot 0 reported it (NaN before any).</param>
public sealed record RunProgress(long CompletedSteps, long PlannedSteps, long Generation, int Slots, double LastLoss);
