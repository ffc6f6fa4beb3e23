using BamOrleans.Grains.Runs;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>What `bam cluster status` answers (its --json document, camelCase).</summary>
/// <param name="Connection">Where the client connected (no secrets).</param>
/// <param name="Leader">Id (ip:port@generation) of the leader silo (see <c>LeaderElection</c>), or null when no silo is active in this view.</param>
/// <param name="Silos">Members listed by the cluster, oldest first: every one not dead, and those dead for less than <see cref="ClusterStatusReader.RecentlyDead"/>.</param>
/// <param name="OlderDeadSilos">Dead members left out for being older than that.</param>
/// <param name="Runs">Runs not yet ended (Created, Running, Paused), with their slots.</param>
/// <param name="EndedRuns">Completed or failed runs, counted only.</param>
/// <param name="DeviceSource">Where each slot's device comes from.</param>
internal sealed record ClusterStatusReport(
    string Connection,
    string? Leader,
    IReadOnlyList<SiloStatusRow> Silos,
    int OlderDeadSilos,
    IReadOnlyList<RunSlotsRow> Runs,
    int EndedRuns,
    string DeviceSource);

/// <summary>One cluster member.</summary>
/// <param name="Id">ip:port@generation: what <see cref="ClusterStatusReport.Leader"/> and <see cref="SlotRow.Silo"/> refer to.</param>
/// <param name="Address">Silo endpoint, ip:port.</param>
/// <param name="Generation">Orleans' generation of the silo (its start time in seconds): tells two silos on one endpoint apart.</param>
/// <param name="Gateway">Where clients connect to it, ip:port (null: no gateway).</param>
/// <param name="Status">Orleans membership status: active, joining, shuttingDown, stopping, dead.</param>
/// <param name="IsLeader">Whether this is the leader silo.</param>
/// <param name="Slots">Worker slots it hosts, by run.</param>
internal sealed record SiloStatusRow(
    string Id,
    string Address,
    int Generation,
    string? Gateway,
    string? Name,
    string? HostName,
    SiloStatus Status,
    bool IsLeader,
    DateTime StartedAt,
    DateTime LastSeenAt,
    IReadOnlyList<SlotRow> Slots);

/// <summary>One worker slot of one run, where it is (its silo's id) and on what device.</summary>
internal sealed record SlotRow(string RunId, string SlotId, string Silo, string Device);

/// <summary>One run's status and slots; <paramref name="Error"/> when its grain did not answer.</summary>
internal sealed record RunSlotsRow(string RunId, RunStatus Status, long? CompletedSteps, IReadOnlyList<SlotRow> Slots, string? Error);
