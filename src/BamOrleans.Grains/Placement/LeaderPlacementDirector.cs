using Orleans.Runtime.Placement;

namespace BamOrleans.Grains.Placement;

/// <summary>
/// Places a <see cref="LeaderPlacement"/> grain on the leader of this silo's membership view
/// (<see cref="LeaderElection.Choose(ClusterMembershipSnapshot)"/>). When the leader dies, the next
/// activation lands on the new oldest silo.
/// </summary>
/// <remarks>
/// Chooses among all active members rather than Orleans' "compatible silos": every silo runs the
/// same grain assemblies here, and the compatible set is learned later than membership, so using it
/// could make two silos name different leaders. Placement hints are ignored: the leader is the point.
/// A view without any active silo (this silo still joining) throws an <see cref="OrleansException"/>,
/// which Orleans 10.4 treats as transient and retries with backoff.
/// </remarks>
internal sealed class LeaderPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var view = membership.CurrentSnapshot;
        if (!LeaderElection.ActiveSilos(view).Any())
            throw new OrleansException(
                $"cannot place grain {target.GrainIdentity} on the leader: silo {context.LocalSilo} sees no active silo "
                + $"in membership version {view.Version}; retry once the silo has joined the cluster");
        return Task.FromResult(LeaderElection.Choose(view));
    }
}
