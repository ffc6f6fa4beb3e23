using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace BamOrleans.Grains.Placement;

/// <summary>
/// Places a <see cref="SiloPinnedPlacement"/> grain on the silo its key names if that silo is an active
/// member; otherwise throws <see cref="SlotSiloLostException"/>. Never falls back to another silo.
/// </summary>
/// <remarks>
/// <para>
/// Runs on the silo that sends the first message to an inactive grain (the gateway silo for client
/// calls), and reads that silo's membership view. A silo address carries its generation, and a dead
/// address never comes back, so "Dead" is final; Orleans also reports as Dead a silo absent from
/// the table whose generation is older than the table remembers, or whose endpoint restarted since.
/// An absent silo that is none of these may have joined a moment ago without this silo hearing of it
/// yet, so in that one case the view is refreshed from the membership table once before giving up.
/// </para>
/// <para>
/// The exception travels back to the caller like a grain call's exception. A malformed key throws
/// <see cref="ArgumentException"/>: that is a bug in the caller, not a lost silo.
/// </para>
/// </remarks>
internal sealed class SiloPinnedPlacementDirector(
    IClusterMembershipService membership, ILogger<SiloPinnedPlacementDirector> logger) : IPlacementDirector
{
    /// <summary>Bound on the membership-table read done for a silo this view does not know yet.</summary>
    internal static readonly TimeSpan RefreshLimit = TimeSpan.FromSeconds(5);

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var grainKey = target.GrainIdentity.Key.ToString();
        SiloAddress silo;
        try
        {
            silo = SiloPinnedKey.SiloOf(grainKey);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"grain {target.GrainIdentity} has silo-pinned placement but its key is not silo-pinned: {e.Message}", e);
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo);
        if (status == SiloStatus.None)
        {
            status = await RefreshedStatus(silo);
        }
        // Orleans logs the failed addressing with this exception; no second log here.
        return status == SiloStatus.Active ? silo : throw new SlotSiloLostException(grainKey, silo, status);
    }

    private async Task<SiloStatus> RefreshedStatus(SiloAddress silo)
    {
        try
        {
            using var limit = new CancellationTokenSource(RefreshLimit);
            await membership.Refresh(cancellationToken: limit.Token);
        }
        catch (Exception e)
        {
            // The refresh only gives a newcomer its chance: whatever stops the table read (timeout,
            // the store unreachable), answer from the view we have rather than fail or hang the caller.
            logger.LogWarning(e, "Could not refresh membership to look up silo {Silo}", silo);
        }
        return membership.CurrentSnapshot.GetSiloStatus(silo);
    }
}
