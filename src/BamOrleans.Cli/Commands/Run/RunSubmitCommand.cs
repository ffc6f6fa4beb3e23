using System.CommandLine;
using BamOrleans.Cli.Commands.Cluster;
using BamOrleans.Cli.Config;
using BamOrleans.Cli.Output;
using BamOrleans.Client;
using Serilog;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>
/// `bam run submit config.yaml [--set key=value]…`: checks the config completely before anything
/// else (every problem one line, exit 2, nothing submitted, no cluster needed), then launches the
/// run on the cluster — or resumes it from its latest checkpoint when its id already has one.
/// </summary>
internal static class RunSubmitCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("config") { Description = "the run's YAML config (configs/fashion-mnist.yaml is the default run); leave out to use only defaults and --set", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "override one key, e.g. --set run.steps=5000 (repeatable; wins over the file)", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the effective config (every key, defaults filled in) and submit nothing" };
        var json = new Option<bool>("--json") { Description = "print JSON for scripts" };
        var command = new Command("submit", "Check a run config and launch the run on a running cluster (a run id with checkpoints resumes from the latest)") { file, sets, dryRun, json };
        var connection = ConnectionOptionSet.AddTo(command);
        // Only for data.kind store: the client reads the prepared dataset's manifest (size, pixel statistics).
        var store = StoreOptionSet.AddTo(command);

        command.SetAction(async (parse, cancellation) =>
        {
            var loaded = RunConfigLoader.Load(parse.GetValue(file), parse.GetValue(sets) ?? []);
            if (!loaded.Succeeded)
            {
                foreach (var problem in loaded.Problems) await CommandConsole.Errors(parse).WriteLineAsync($"bam: {problem}");
                Log.Error("Run config refused with {Count} problem(s); nothing submitted", loaded.Problems.Count);
                return ExitCodes.BadInput;
            }
            var config = loaded.Config!;
            if (parse.GetValue(dryRun))
            {
                await CommandConsole.Writer(parse).WriteAsync(RunConfigDocument.ToYaml(config));
                return ExitCodes.Ok;
            }
            return await CommandAction.Run(parse, async () =>
            {
                var data = await SubmittedDataset.Describe(config.Dataset, () => store.Open(parse));
                var definition = config.ToRunDefinition() with { NormalizerMean = data.Normalizer.Mean, NormalizerStd = data.Normalizer.Std };
                return await ClusterCommand.Run(parse, connection, async (IClusterClient client) =>
                {
                    var run = new ClusterRun(client, config.RunId ?? $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}", Log.Logger);
                    try
                    {
                        await run.Launch(definition, data.Count, config.SlotsPerSilo, config.SiloLimit);
                    }
                    catch (InvalidOperationException e)
                    {
                        // The run grain refused: an ended run's id, another definition under this
                        // id, too few silos. Nothing was laid out.
                        await CommandConsole.Errors(parse).WriteLineAsync($"bam: {e.Message}");
                        return ExitCodes.BadInput;
                    }
                    var status = await run.Status();
                    if (parse.GetValue(json))
                        JsonOutput.Write(CommandConsole.Writer(parse), new
                        {
                            runId = run.RunId,
                            status = status.Status,
                            slots = run.SlotKeys,
                            resumedFrom = run.ResumedFrom,
                            plannedSteps = status.PlannedSteps,
                        });
                    else
                        await CommandConsole.Writer(parse).WriteLineAsync(
                            $"run {run.RunId} {(run.ResumedFrom is { } step ? $"resumed at step {step} from its latest checkpoint" : "submitted")}: " +
                            $"{run.SlotKeys.Count} slots, {config.Training.GlobalBatch} images per step, {config.Training.Steps} steps on {data.Description}. " +
                            $"Follow it with: bam run watch {run.RunId}");
                    return ExitCodes.Ok;
                });
            });
        });
        return command;
    }
}
