namespace BamOrleans.Grains.Placement;

/// <summary>
/// Placement strategy of grains whose string key names their silo (see <see cref="SiloPinnedKey"/>):
/// the activation goes to exactly that silo, or nowhere. Grains opt in with
/// <see cref="SiloPinnedPlacementAttribute"/>; <see cref="SiloPinnedPlacementDirector"/> decides.
/// </summary>
/// <remarks>
/// Serializable because Orleans may ship strategies between silos. Orleans finds the director by
/// this class's short name, so the name must stay unique among placement strategies.
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("bam.SiloPinnedPlacement")]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    /// <summary>The one instance the attribute hands out; the strategy has no settings.</summary>
    internal static SiloPinnedPlacement Singleton { get; } = new();
}
