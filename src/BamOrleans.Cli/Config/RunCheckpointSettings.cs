namespace BamOrleans.Cli.Config;

/// <summary>When a run checkpoints and how many checkpoints it keeps (the fields of the same names
/// on <see cref="BamOrleans.Worker.Runs.RunDefinition"/>).</summary>
/// <param name="EverySteps">Checkpoint every this many steps (0: not by steps).</param>
/// <param name="EveryMinutes">Also checkpoint when this many minutes passed since the last one (0: not by time).</param>
/// <param name="Keep">Complete checkpoints kept in the store; older ones are pruned.</param>
internal sealed record RunCheckpointSettings(int EverySteps, double EveryMinutes, int Keep);
