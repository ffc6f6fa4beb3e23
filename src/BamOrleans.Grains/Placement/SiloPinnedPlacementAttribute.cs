using Orleans.Metadata;
using Orleans.Placement;

namespace BamOrleans.Grains.Placement;

/// <summary>
/// Marks a grain class (string keys built with <see cref="SiloPinnedKey.Compose"/>) as living only on
/// the silo its key names; a call after that silo left fails with <see cref="SlotSiloLostException"/>.
/// </summary>
/// <remarks>
/// Also marks the class immovable: the activation rebalancer and repartitioner must not migrate a
/// grain whose state is one silo's memory. (The director ignores placement hints for the same reason.)
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Singleton)
{
    public override void Populate(IServiceProvider services, Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        base.Populate(services, grainClass, grainType, properties);
        properties[WellKnownGrainTypeProperties.Immovable] = ((byte)ImmovableKind.Any).ToString();
    }
}
