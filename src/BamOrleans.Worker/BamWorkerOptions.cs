using BamOrleans.Grains.Runs;

namespace BamOrleans.Worker;

/// <summary>The worker's timings, set by the silo host.</summary>
public sealed record BamWorkerOptions
{
    /// <summary>How often the leader looks for runs to resume (runs whose leader or every silo was lost).</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo told to go (SIGTERM) takes to drain: finish the step in flight, checkpoint
    /// the boundary, hand its slots back. Azure spot gives about 30 s of notice; Kubernetes'
    /// terminationGracePeriodSeconds must exceed this plus Orleans' own shutdown.
    /// </summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How runs follow the cluster's membership.</summary>
    public RunMembershipOptions Membership { get; init; } = new();

    /// <summary>The device each of this silo's slots trains on (slot i on element i), from
    /// `--device` and `--slots` (<see cref="Slots.SlotDevices.Resolve"/>). The default, the CPU,
    /// is what every silo used before devices could be chosen.</summary>
    public IReadOnlyList<string> SlotDevices { get; init; } = [Slots.SlotDevices.Cpu];
}
