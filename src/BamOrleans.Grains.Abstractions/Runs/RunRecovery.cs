namespace BamOrleans.Grains.Runs;

/// <summary>What <see cref="IRunGrain.Recover"/> found.</summary>
[GenerateSerializer, Alias("bam.RecoveryStatus")]
public enum RecoveryStatus
{
    /// <summary>Nothing to do: the run trains, or it is not one to resume (created, paused by a user, ended).</summary>
    NotNeeded = 0,

    /// <summary>The run was running when its slots were lost; it now runs again from its latest checkpoint.</summary>
    Resumed = 1,

    /// <summary>The run was running when its slots were lost, but fewer silos are active than it
    /// was laid out on; it is resumed once they are.</summary>
    WaitingForSilos = 2,
}

/// <param name="Status">What happened.</param>
/// <param name="Detail">One line for the log: the step resumed at, or the silos still missing.</param>
[GenerateSerializer, Immutable, Alias("bam.RunRecovery")]
public sealed record RunRecovery(
    [property: Id(0)] RecoveryStatus Status,
    [property: Id(1)] string Detail);
