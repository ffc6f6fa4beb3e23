using System.CommandLine;
using BamOrleans.Cli.Output;
using Serilog;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>
/// `bam checkpoint verify &lt;run&gt; [--step N]`: checks every blob of the run's checkpoints (or of
/// one) against its manifest. Exit 0 when all verify, <see cref="ExitCodes.Damaged"/> naming each
/// damaged blob when not, bad input when there is nothing to verify.
/// </summary>
internal static class CheckpointVerifyCommand
{
    public static Command Create()
    {
        var command = new Command("verify", "Verify a run's checkpoints (or --step N) against their manifests; exit 4 naming the damaged blob");
        var run = RunOptions.AddTo(command, "only the checkpoint of this step (its folder name); default: every committed checkpoint of the run");
        var json = new Option<bool>("--json") { Description = "answer with one JSON document" };
        command.Options.Add(json);
        var store = StoreOptionSet.AddTo(command);
        command.SetAction((parse, _) => CheckpointAction.Run(parse, async () =>
        {
            var runId = run.Run(parse)!;
            var step = run.Step(parse);
            var inventory = await CheckpointInventory.Read(await store.Open(parse), runId, Log.Logger, step);
            var committed = inventory.Checkpoints.Where(c => c.Status != CheckpointStatus.Uncommitted).ToList();
            if (committed.Count == 0)
                throw new ArgumentException(step is { } s
                    ? $"run '{runId}' has no committed checkpoint at step {s} under {inventory.Prefix} in {inventory.Store}: `bam checkpoint list {runId}` shows its steps."
                    : $"run '{runId}' has no committed checkpoint under {inventory.Prefix} in {inventory.Store}: check the run id and the store options.");
            var damaged = committed.Where(c => c.Status == CheckpointStatus.Damaged).ToList();

            if (parse.GetValue(json))
            {
                JsonOutput.Write(CommandConsole.Writer(parse), new { verified = damaged.Count == 0, inventory.Run, inventory.Prefix, inventory.Store, checkpoints = committed });
            }
            else
            {
                var writer = CommandConsole.Writer(parse);
                foreach (var c in committed)
                    writer.WriteLine(c.Status == CheckpointStatus.Complete
                        ? $"step {c.Step}: ok ({c.Blobs} blobs, {CheckpointTable.Size(c.Bytes)}){(c.Latest ? ", latest" : "")}"
                        : $"step {c.Step}: DAMAGED: blob {c.DamagedBlob}: {c.Problem}");
                writer.Flush();
            }
            foreach (var c in damaged)
                CommandConsole.Errors(parse).WriteLine($"bam: checkpoint {c.Step} of run '{runId}' is damaged: blob {c.DamagedBlob}: {c.Problem}");
            return damaged.Count == 0 ? ExitCodes.Ok : ExitCodes.Damaged;
        }));
        return command;
    }
}
