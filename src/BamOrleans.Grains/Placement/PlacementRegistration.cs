using Microsoft.Extensions.DependencyInjection;

namespace BamOrleans.Grains.Placement;

/// <summary>Registers the project's placement strategies with a silo.</summary>
public static class PlacementRegistration
{
    /// <summary>
    /// Adds <see cref="SiloPinnedPlacement"/> and <see cref="LeaderPlacement"/> with their directors.
    /// Every silo of the cluster must call it: placement runs on whichever silo first sends a message
    /// to an inactive grain, and a silo without the strategy fails that call.
    /// </summary>
    public static ISiloBuilder AddBamPlacement(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>()
            .AddPlacementDirector<LeaderPlacement, LeaderPlacementDirector>();
    }
}
