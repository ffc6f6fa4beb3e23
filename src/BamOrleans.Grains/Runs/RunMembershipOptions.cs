namespace BamOrleans.Grains.Runs;

/// <summary>How a run reacts to its cluster changing (set by the silo host; one instance per silo).</summary>
public sealed record RunMembershipOptions
{
    /// <summary>How often a laid-out run compares its slots with the membership view: how soon
    /// after Orleans declares a silo dead the run drops its slots, and a new silo is noticed.</summary>
    public TimeSpan WatchPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A run whose silos were all lost waits this long for as many silos as its plan had before
    /// it resumes on fewer: restarting the whole cluster then resumes with the same slots, and so
    /// the same result, as before the loss. Not waited when live slots of the run survive (the
    /// leader alone was lost): those resume at once.
    /// </summary>
    public TimeSpan RecoveryGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a new silo's admission may hold the run at a step boundary (for the
    /// boundary's checkpoint to be written) before the run goes on without it.</summary>
    public TimeSpan AdmissionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>After a silo failed to join, it is not tried again for this long.</summary>
    public TimeSpan AdmissionBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
