using BamOrleans.Grains.Placement;

namespace BamOrleans.Cluster.Tests.Placement;

/// <summary>Test-only grains that report where they were activated.</summary>
[Alias("bam.test.IWhereAmIGrain")]
public interface IWhereAmIGrain : IGrainWithStringKey
{
    /// <summary>The silo this activation runs on.</summary>
    [Alias("WhereAmI")]
    Task<SiloAddress> WhereAmI();
}

/// <summary>A silo-pinned probe; its key is built with <see cref="SiloPinnedKey.Compose"/>.</summary>
[Alias("bam.test.IPinnedProbeGrain")]
public interface IPinnedProbeGrain : IWhereAmIGrain
{
    /// <summary>
    /// Asks another pinned probe where it is. Called on a fresh key, the placement runs on this
    /// probe's silo: that is how the tests make each silo place a grain.
    /// </summary>
    [Alias("WherePinnedProbeIs")]
    Task<SiloAddress> WherePinnedProbeIs(string pinnedKey);

    /// <summary>Asks a leader probe where it is; on a fresh key, placed by this probe's silo.</summary>
    [Alias("WhereLeaderProbeIs")]
    Task<SiloAddress> WhereLeaderProbeIs(string leaderKey);
}

/// <summary>A leader-placed probe.</summary>
[Alias("bam.test.ILeaderProbeGrain")]
public interface ILeaderProbeGrain : IWhereAmIGrain;

[SiloPinnedPlacement]
internal sealed class PinnedProbeGrain(ILocalSiloDetails silo) : Grain, IPinnedProbeGrain
{
    public Task<SiloAddress> WhereAmI() => Task.FromResult(silo.SiloAddress);

    public Task<SiloAddress> WherePinnedProbeIs(string pinnedKey) =>
        GrainFactory.GetGrain<IPinnedProbeGrain>(pinnedKey).WhereAmI();

    public Task<SiloAddress> WhereLeaderProbeIs(string leaderKey) =>
        GrainFactory.GetGrain<ILeaderProbeGrain>(leaderKey).WhereAmI();
}

[LeaderPlacement]
internal sealed class LeaderProbeGrain(ILocalSiloDetails silo) : Grain, ILeaderProbeGrain
{
    public Task<SiloAddress> WhereAmI() => Task.FromResult(silo.SiloAddress);
}
