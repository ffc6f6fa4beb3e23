using Spectre.Console;

namespace BamOrleans.Cli.Commands.Cluster;

/// <summary>The human form of `bam cluster status`: one table of silos, one of runs.</summary>
internal static class ClusterStatusTable
{
    public static void Write(IAnsiConsole console, ClusterStatusReport report)
    {
        // Redirected output (a pipe, a file) has no width and Spectre assumes 80 columns, which
        // breaks addresses across lines; grep and copy-paste need them whole.
        if (!console.Profile.Out.IsTerminal) console.Profile.Width = Math.Max(console.Profile.Width, 160);
        console.WriteLine($"Cluster at {report.Connection}");
        var silos = new Table().AddColumns("Silo", "Gateway", "Status", "Leader", "Started (UTC)", "Slots (run: slots on device)");
        foreach (var silo in report.Silos)
            silos.AddRow(
                // The machine's name: on a cluster of spot nodes it says which VM this is.
                Markup.Escape(silo.Address + (silo.HostName is { Length: > 0 } host ? $" ({host})" : "")),
                Markup.Escape(silo.Gateway ?? "-"),
                Markup.Escape(silo.Status.ToString()),
                silo.IsLeader ? "leader" : "",
                $"{silo.StartedAt:yyyy-MM-dd HH:mm:ss}",
                Markup.Escape(SlotSummary(silo.Slots)));
        console.Write(silos);
        if (report.OlderDeadSilos > 0)
            console.WriteLine($"({report.OlderDeadSilos} silos dead for more than {ClusterStatusReader.RecentlyDead.TotalHours:0.#} h not shown)");
        if (report.Leader is null)
            console.WriteLine("No active silo in this view: no leader.");

        if (report.Runs.Count == 0)
            console.WriteLine($"No run in progress ({report.EndedRuns} ended).");
        else
        {
            var runs = new Table().AddColumns("Run", "Status", "Steps", "Slots");
            foreach (var run in report.Runs)
                runs.AddRow(
                    Markup.Escape(run.RunId),
                    Markup.Escape(run.Status.ToString()),
                    run.CompletedSteps?.ToString() ?? "?",
                    Markup.Escape(run.Error ?? run.Slots.Count.ToString()));
            console.Write(runs);
            if (report.EndedRuns > 0) console.WriteLine($"({report.EndedRuns} ended runs not shown)");
        }
        console.WriteLine($"Devices: {report.DeviceSource}.");
    }

    /// <summary>"run-a: 2 on cpu; run-b: 1 on cpu", or "-" for none.</summary>
    private static string SlotSummary(IReadOnlyList<SlotRow> slots) =>
        slots.Count == 0
            ? "-"
            : string.Join("; ", slots.GroupBy(s => (s.RunId, s.Device)).Select(g => $"{g.Key.RunId}: {g.Count()} on {g.Key.Device}"));
}
