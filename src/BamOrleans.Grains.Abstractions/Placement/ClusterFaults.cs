namespace BamOrleans.Grains.Placement;

/// <summary>What a caller of the run's grains treats as the cluster changing under it (a silo lost,
/// or not answering in time) rather than as a wrong request: the call is retried once membership
/// has caught up, instead of failing the slot or the client.</summary>
public static class ClusterFaults
{
    public static bool IsTransient(Exception e) => e is OrleansException or TimeoutException;
}
