using Orleans.Placement;

namespace BamOrleans.Grains.Placement;

/// <summary>
/// Marks a grain class (the per-run batch aggregator) as activated on the leader, the oldest active
/// silo. Only new activations follow the leader: a running activation stays where it is.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LeaderPlacementAttribute() : PlacementAttribute(LeaderPlacement.Singleton);
