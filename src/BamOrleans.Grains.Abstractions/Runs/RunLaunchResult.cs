namespace BamOrleans.Grains.Runs;

/// <summary>What <see cref="IRunGrain.Launch"/> did.</summary>
/// <param name="SlotKeys">The run's worker-slot keys, in slot order.</param>
/// <param name="ResumedFrom">The step this activation of the run opened at from a checkpoint; null when it started at step 0.</param>
/// <param name="Status">The run right after the launch.</param>
[GenerateSerializer, Immutable, Alias("bam.RunLaunchResult")]
public sealed record RunLaunchResult(
    [property: Id(0)] IReadOnlyList<string> SlotKeys,
    [property: Id(1)] long? ResumedFrom,
    [property: Id(2)] RunStatusSnapshot Status);
