using BamOrleans.Cli.Output;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>
/// Reads a running cluster's state for `bam cluster status`: its members from the management
/// grain, the leader by the silos' own rule, and the slots of every run not yet ended.
/// </summary>
internal static class ClusterStatusReader
{
    /// <summary>Dead members older than this are left out: the membership table keeps them for
    /// days, and after many spot evictions they would bury the live ones.</summary>
    public static readonly TimeSpan RecentlyDead = TimeSpan.FromHours(1);

    /// <summary>Each grain call's limit: a run grain on a silo that just died must not hold the
    /// whole answer for Orleans' 30 s response timeout.</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(10);

    /// <summary>A slot report's limit: shorter than a run's, since a slot on a leaving silo only
    /// costs its device column, not the run's row.</summary>
    private static readonly TimeSpan SlotCallLimit = TimeSpan.FromSeconds(3);

    /// <summary>Shown for a slot that did not report (not joined yet, or its silo is leaving):
    /// SlotReport's own default, the device every silo uses unless told otherwise.</summary>
    private const string UnreportedDevice = "cpu";

    public const string DeviceSource =
        "reported by each slot (its silo's --device); a slot that did not answer (not joined yet, or its silo is leaving) shows cpu, the default";

    public static async Task<ClusterStatusReport> Read(IClusterClient client, string connection, CancellationToken cancellation = default)
    {
        var members = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false)
            .WaitAsync(CallLimit, cancellation);
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        // The same rule the silos place leader grains by, so this names the silo they use.
        var leader = active.Count > 0 ? LeaderElection.Choose(active) : null;

        var runs = await ReadRuns(client, cancellation);
        var slotsBySilo = runs.Active
            .SelectMany(r => r.Slots)
            .ToLookup(s => s.Silo);

        var now = DateTime.UtcNow;
        var shown = members
            .Where(m => m.Status != SiloStatus.Dead || now - LastSeen(m) < RecentlyDead)
            .OrderBy(m => m.SiloAddress.Generation).ThenBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(m => new SiloStatusRow(
                Key(m.SiloAddress),
                Endpoint(m.SiloAddress),
                m.SiloAddress.Generation,
                m.ProxyPort > 0 ? $"{m.SiloAddress.Endpoint.Address}:{m.ProxyPort}" : null,
                m.SiloName,
                m.HostName,
                m.Status,
                m.SiloAddress.Equals(leader),
                m.StartTime,
                LastSeen(m),
                slotsBySilo[Key(m.SiloAddress)].OrderBy(s => s.RunId, StringComparer.Ordinal).ThenBy(s => s.SlotId, StringComparer.Ordinal).ToList()))
            .ToList();

        return new ClusterStatusReport(connection, leader is null ? null : Key(leader), shown,
            members.Length - shown.Count, runs.Active, runs.Ended, DeviceSource);
    }

    private static async Task<(List<RunSlotsRow> Active, int Ended)> ReadRuns(IClusterClient client, CancellationToken cancellation)
    {
        var catalog = await client.GetGrain<IRunCatalogGrain>(IRunCatalogGrain.Key).List().WaitAsync(CallLimit, cancellation);
        // Only runs that can have slots: asking an ended run's grain would activate it (a storage
        // read each) for an empty answer, and a cluster keeps every run it ever trained.
        var open = catalog.Where(r => r.Value is not (RunStatus.Completed or RunStatus.Failed))
            .OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var rows = await Task.WhenAll(open.Select(r => ReadRun(client, r.Key, r.Value, cancellation)));
        return (rows.ToList(), catalog.Count - open.Count);
    }

    private static async Task<RunSlotsRow> ReadRun(IClusterClient client, string runId, RunStatus recorded, CancellationToken cancellation)
    {
        try
        {
            var status = await client.GetGrain<IRunGrain>(runId).GetStatus().WaitAsync(CallLimit, cancellation);
            var devices = await Task.WhenAll(status.Slots.Keys.Select(slot => DeviceOf(client, slot, cancellation)));
            var slots = status.Slots.Zip(devices)
                .Select(s => new SlotRow(runId, s.First.Key, Key(s.First.Value), s.Second))
                .OrderBy(s => s.SlotId, StringComparer.Ordinal).ToList();
            return new RunSlotsRow(runId, status.Status, status.CompletedSteps, slots, null);
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e))
        {
            // The silo the run lives on is changing (lost, or its leader is moving): show what the
            // catalog recorded and why there is nothing more, rather than failing the whole status.
            return new RunSlotsRow(runId, recorded, null, [], $"the run did not answer: {e.Message}");
        }
    }

    /// <summary>The device slot <paramref name="slotId"/> reports, or <see cref="UnreportedDevice"/>
    /// when it cannot: the slot is registered but its replica is not (yet) on its silo, or the
    /// silo is going. Either way the rest of the status is still worth showing.</summary>
    private static async Task<string> DeviceOf(IClusterClient client, string slotId, CancellationToken cancellation)
    {
        try
        {
            var report = await client.GetGrain<IWorkerSlotGrain>(slotId).GetReport().WaitAsync(SlotCallLimit, cancellation);
            return report.Device;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            return UnreportedDevice;
        }
    }

    /// <summary>ip:port@generation: names one silo incarnation, as slots and the leader refer to it.</summary>
    private static string Key(SiloAddress silo) => silo.ToParsableString();

    private static string Endpoint(SiloAddress silo) => SiloText.Of(silo);

    /// <summary>Its last heartbeat in the table, or its start if it never wrote one.</summary>
    private static DateTime LastSeen(MembershipEntry m) => m.IAmAliveTime > m.StartTime ? m.IAmAliveTime : m.StartTime;
}
