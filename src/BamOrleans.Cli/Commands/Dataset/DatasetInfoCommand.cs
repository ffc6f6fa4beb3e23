using System.CommandLine;
using BamOrleans.Cli.Output;
using BamOrleans.Data.Shards;
using Serilog;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>
/// `bam dataset info --name name [--verify]`: a prepared dataset's manifest (size, shape, classes,
/// statistics, shards) and whether its shards match it. Exits <see cref="ExitCodes.Damaged"/> when
/// a shard or the manifest itself is damaged, <see cref="ExitCodes.BadInput"/> when there is no
/// such dataset in the store.
/// </summary>
internal static class DatasetInfoCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "the prepared dataset's name", Required = true };
        var verify = new Option<bool>("--verify") { Description = "read every shard and check its SHA-256 (without it: presence and length, from one listing)" };
        var json = new Option<bool>("--json") { Description = "answer as JSON" };

        var command = new Command("info", "Show a prepared dataset's manifest and check its shards against it");
        foreach (var option in new Option[] { name, verify, json })
            command.Options.Add(option);
        var store = StoreOptionSet.AddTo(command);

        command.SetAction((parse, cancellation) => CommandAction.Run(parse, async () =>
        {
            var datasetName = parse.GetValue(name)!;
            DatasetName.Validate(datasetName);
            var blobs = await store.Open(parse);
            DatasetManifest manifest;
            try
            {
                manifest = await DatasetManifestBlob.Read(blobs, datasetName, cancellation);
            }
            catch (InvalidDataException e) when (PreparedDatasetError.ProblemOf(e) == PreparedDatasetProblem.Damaged)
            {
                // A manifest that is there but unusable is damage, not a wrong name: say so by the exit code.
                CommandConsole.Errors(parse).WriteLine($"bam: {e.Message}");
                Log.Error("Prepared dataset {Dataset} is damaged: {Message}", datasetName, e.Message);
                return ExitCodes.Damaged;
            }

            var readContents = parse.GetValue(verify);
            var damaged = await PreparedDatasetVerifier.Check(blobs, manifest, readContents, cancellation);
            var report = DatasetReport.From(manifest, blobs.Description, new DatasetCheck(readContents, damaged.Count == 0, damaged));
            if (parse.GetValue(json)) JsonOutput.Write(CommandConsole.Writer(parse), report);
            else DatasetView.Write(CommandConsole.For(parse), report);
            if (damaged.Count == 0) return ExitCodes.Ok;

            foreach (var shard in damaged)
                Log.Error("Shard {Blob} of prepared dataset {Dataset} is damaged: {Problem}", shard.Blob, datasetName, shard.Problem);
            CommandConsole.Errors(parse).WriteLine(
                $"bam: prepared dataset '{datasetName}' is damaged: {damaged.Count} of {manifest.Shards.Count} shards do not match its manifest " +
                $"(first: {damaged[0].Blob} {damaged[0].Problem}). Fix: prepare it again with `bam dataset prepare --name {datasetName} --source <path> --replace` and the same store options.");
            return ExitCodes.Damaged;
        }));
        return command;
    }
}
