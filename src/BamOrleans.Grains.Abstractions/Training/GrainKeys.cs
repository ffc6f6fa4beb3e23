using BamOrleans.Grains.Placement;

namespace BamOrleans.Grains.Training;

/// <summary>Keys of the per-run grains that are not keyed by the run id alone.</summary>
public static class GrainKeys
{
    /// <summary>Slot <paramref name="index"/> of <paramref name="silo"/> in run <paramref name="runId"/>:
    /// pinned to that silo. Keys sort by silo, then slot, which fixes the slots' order in a step.</summary>
    public static string WorkerSlot(SiloAddress silo, string runId, int index)
    {
        RunIds.Require(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return SiloPinnedKey.Compose(silo, $"{runId}/{index:D3}");
    }

    /// <summary>Shard <paramref name="shard"/> of the run's gradient average.</summary>
    public static string GradientShard(string runId, int shard)
    {
        RunIds.Require(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return $"{runId}/{shard}";
    }
}

/// <summary>The one rule for run ids: they appear inside other grains' keys, so they must not
/// contain the separators used there.</summary>
public static class RunIds
{
    public static void Require(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (runId.IndexOfAny(['/', '#', ' ']) >= 0)
            throw new ArgumentException($"run id '{runId}' contains '/', '#' or a space, which separate the parts of grain keys: use letters, digits, '-', '_' or '.'.", nameof(runId));
    }
}
