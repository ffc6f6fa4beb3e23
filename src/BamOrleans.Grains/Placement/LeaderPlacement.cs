namespace BamOrleans.Grains.Placement;

/// <summary>
/// Placement strategy of grains that belong on the cluster's leader, the oldest active silo (see
/// <see cref="LeaderElection"/>). Grains opt in with <see cref="LeaderPlacementAttribute"/>;
/// <see cref="LeaderPlacementDirector"/> decides.
/// </summary>
/// <remarks>
/// Serializable because Orleans may ship strategies between silos. Orleans finds the director by
/// this class's short name, so the name must stay unique among placement strategies.
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("bam.LeaderPlacement")]
public sealed class LeaderPlacement : PlacementStrategy
{
    /// <summary>The one instance the attribute hands out; the strategy has no settings.</summary>
    internal static LeaderPlacement Singleton { get; } = new();
}
