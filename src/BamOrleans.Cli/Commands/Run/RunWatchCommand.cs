using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using BamOrleans.Grains.Placement;
using BamOrleans.Grains.Runs;
using Serilog;
using Spectre.Console;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>
/// `bam run watch &lt;id&gt;`: follows a run until it ends — on a terminal a live progress bar over
/// the step budget with loss and throughput; redirected, one line per change. The run's timeline
/// (silos lost, joined, resumes) is printed as it happens. Exit code: 0 when the run completes,
/// 1 when it fails or is cancelled.
/// </summary>
internal static class RunWatchCommand
{
    public static Command Create()
    {
        var runId = RunCommand.RunIdArgument();
        var interval = new Option<double>("--interval-seconds") { Description = "how often to look", DefaultValueFactory = _ => 1.0 };
        var command = new Command("watch", "Follow a run live until it ends: progress over its step budget, loss, images/s, and its timeline as it happens") { runId, interval };
        var connection = ConnectionOptionSet.AddTo(command);
        command.SetAction((parse, cancellation) => ClusterCommand.Run(parse, connection, async client =>
        {
            var run = new ClusterRun(client, parse.GetValue(runId)!, Log.Logger);
            if (await RunLookup.Require(run, parse) is { } missing) return missing;
            var period = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(interval)));
            var console = CommandConsole.For(parse);
            var watcher = new RunWatcher(run, period);
            var final = console.Profile.Capabilities.Interactive
                ? await WatchWithProgressBar(console, watcher, cancellation)
                : await WatchAsLines(console, watcher, cancellation);
            console.WriteLine($"run {final.Status.RunId}: {RunStatusView.StatusText(final.Status)} at step {final.Status.Current.Step}");
            return final.Status.Status == RunStatus.Completed ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<RunOverview> WatchAsLines(IAnsiConsole console, RunWatcher watcher, CancellationToken cancellation)
    {
        long printed = -1;
        await foreach (var (overview, events) in watcher.Follow(cancellation))
        {
            foreach (var e in events) console.WriteLine(EventLine(e));
            if (overview.Status.Current.Step == printed) continue;
            printed = overview.Status.Current.Step;
            console.WriteLine(ProgressLine(overview));
        }
        return watcher.Last!;
    }

    private static async Task<RunOverview> WatchWithProgressBar(IAnsiConsole console, RunWatcher watcher, CancellationToken cancellation)
    {
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask? bar = null;
                await foreach (var (overview, events) in watcher.Follow(cancellation))
                {
                    bar ??= context.AddTask(Markup.Escape(overview.Status.RunId), maxValue: Math.Max(1, overview.Status.PlannedSteps ?? 1));
                    bar.Value = overview.Status.Current.Step;
                    var last = events.LastOrDefault();
                    bar.Description = Markup.Escape(ProgressLine(overview) + (last is null ? "" : $" | {last.Kind} at step {last.Step}"));
                }
                bar?.StopTask();
            });
        return watcher.Last!;
    }

    private static string ProgressLine(RunOverview o) =>
        $"step {o.Status.Current.Step}/{o.Status.PlannedSteps?.ToString() ?? "?"} epoch {o.Epoch?.ToString() ?? "-"} " +
        $"loss {(double.IsFinite(o.LastLoss) ? o.LastLoss.ToString("F4") : "-")} " +
        $"{(double.IsFinite(o.ImagesPerSecond) ? o.ImagesPerSecond.ToString("F0") : "-")} img/s " +
        $"gen {o.Status.Current.Generation} slots {o.Status.Slots.Count} {RunStatusView.StatusText(o.Status)}";

    private static string EventLine(RunEvent e) => $"{e.At:HH:mm:ss} {e.Kind} at step {e.Step} (generation {e.Generation}): {e.Detail}";

    /// <summary>Polls a run until it ends, yielding its overview and the timeline entries new
    /// since the last look; a cluster changing under it (a lost leader) is waited out.</summary>
    private sealed class RunWatcher(ClusterRun run, TimeSpan period)
    {
        public RunOverview? Last { get; private set; }

        public async IAsyncEnumerable<(RunOverview Overview, IReadOnlyList<RunEvent> NewEvents)> Follow(
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
        {
            var seen = DateTime.MinValue;
            while (true)
            {
                RunOverview overview;
                IReadOnlyList<RunEvent> events;
                try
                {
                    overview = await run.Overview();
                    events = (await run.Events()).Where(e => e.At > seen).ToList();
                }
                catch (Exception e) when (ClusterFaults.IsTransient(e))
                {
                    Log.Warning("Run {RunId} does not answer ({Reason}); asking again", run.RunId, e.Message);
                    await Task.Delay(period, cancellation);
                    continue;
                }
                if (events.Count > 0) seen = events[^1].At;
                Last = overview;
                yield return (overview, events);
                if (overview.Status.Status.IsFinal()) yield break;
                await Task.Delay(period, cancellation);
            }
        }
    }
}
