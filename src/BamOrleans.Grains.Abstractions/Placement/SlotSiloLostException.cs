namespace BamOrleans.Grains.Placement;

/// <summary>
/// A silo-pinned grain (see <see cref="SiloPinnedKey"/>) was called while the silo its key names is
/// not an active cluster member, so it cannot be activated anywhere.
/// </summary>
/// <remarks>
/// Thrown by the placement of silo-pinned grains instead of choosing another silo: the grain's state
/// (a worker slot's model) existed only in that silo's memory, and an empty copy elsewhere would
/// silently train from nothing. The caller must treat the grain as lost and re-create it under a
/// live silo's key. Lives with the grain interfaces so that clients can deserialize it.
/// <para>
/// Deliberately not an <see cref="OrleansException"/>: Orleans 10.4 retries a placement that fails
/// with one (or with a timeout or cancellation) as transient, up to
/// <c>SiloMessagingOptions.PlacementMaxRetries</c> times with backoff. This failure is permanent, so
/// it must reach the caller at once.
/// </para>
/// </remarks>
[GenerateSerializer, Alias("bam.SlotSiloLostException")]
public sealed class SlotSiloLostException : Exception
{
    public SlotSiloLostException(string grainKey, SiloAddress silo, SiloStatus observedStatus)
        : base(Describe(grainKey, silo, observedStatus))
    {
        GrainKey = grainKey;
        Silo = silo;
        ObservedStatus = observedStatus;
    }

    /// <summary>The key of the grain that could not be placed.</summary>
    [Id(0)]
    public string GrainKey { get; private set; }

    /// <summary>The silo the key names.</summary>
    [Id(1)]
    public SiloAddress Silo { get; private set; }

    /// <summary>
    /// That silo's status in the placing silo's membership view: <see cref="SiloStatus.Dead"/> when it
    /// left (or is too old for the table to remember), <see cref="SiloStatus.ShuttingDown"/> or
    /// <see cref="SiloStatus.Stopping"/> while it leaves, <see cref="SiloStatus.None"/> when the
    /// membership table has no record of it at all.
    /// </summary>
    [Id(2)]
    public SiloStatus ObservedStatus { get; private set; }

    private static string Describe(string grainKey, SiloAddress silo, SiloStatus status) =>
        $"grain {grainKey} is pinned to silo {silo.ToParsableString()}, which is not an active member "
        + $"({(status == SiloStatus.None ? "absent from the membership table" : status.ToString())}): the state it held there is lost; "
        + "re-create it under a live silo's key";
}
