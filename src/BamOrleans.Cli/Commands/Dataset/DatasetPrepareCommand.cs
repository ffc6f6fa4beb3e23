using System.CommandLine;
using BamOrleans.Cli.Output;
using BamOrleans.Data.Shards;
using Serilog;

namespace BamOrleans.Cli.Commands.Dataset;

/// <summary>
/// `bam dataset prepare --source path --name name`: copies Fashion-MNIST or an image folder into the
/// blob store as a prepared dataset (shards, then the manifest), which silos open with dataset kind
/// "store". A taken name is refused unless --replace; the old dataset stays readable until the new
/// one commits.
/// </summary>
internal static class DatasetPrepareCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "the Fashion-MNIST idx folder, or the image folder (one sub-folder per class, or images directly inside)", Required = true };
        var kind = new Option<string>("--kind") { Description = "fashion-mnist (idx files) or folder (JPEG/PNG)", DefaultValueFactory = _ => "fashion-mnist" };
        var split = new Option<string?>("--split") { Description = "train or test: the Fashion-MNIST split to prepare (default train)" };
        var imageSize = new Option<int?>("--image-size") { Description = $"side of the square images a folder is scaled to (default {PreparationSource.DefaultImageSize})" };
        var name = new Option<string>("--name") { Description = $"the prepared dataset's name: {DatasetName.Rule}", Required = true };
        var perShard = new Option<int>("--images-per-shard") { Description = "images in each shard blob", DefaultValueFactory = _ => PreparedDatasetWriter.DefaultImagesPerShard };
        var replace = new Option<bool>("--replace") { Description = "prepare over an existing dataset of this name (it stays readable until the new one is complete)" };
        var json = new Option<bool>("--json") { Description = "answer with the manifest as JSON" };

        var command = new Command("prepare", "Copy Fashion-MNIST or an image folder into the blob store as a prepared dataset that silos train from (dataset kind 'store')");
        foreach (var option in new Option[] { source, kind, split, imageSize, name, perShard, replace, json })
            command.Options.Add(option);
        var store = StoreOptionSet.AddTo(command);

        command.SetAction((parse, cancellation) => CommandAction.Run(parse, async () =>
        {
            // Everything about the input is checked before the store is touched: bad input writes nothing.
            var datasetName = parse.GetValue(name)!;
            DatasetName.Validate(datasetName);
            var imagesPerShard = parse.GetValue(perShard);
            if (imagesPerShard < 1)
                throw new ArgumentException($"--images-per-shard {imagesPerShard}: give at least 1 (default {PreparedDatasetWriter.DefaultImagesPerShard}).");
            var images = PreparationSource.Load(parse.GetValue(source)!, parse.GetValue(kind)!, parse.GetValue(split), parse.GetValue(imageSize));
            var blobs = await store.Open(parse);

            var manifest = await new PreparedDatasetWriter(blobs, Log.Logger)
                .Write(datasetName, images.Images, imagesPerShard, images.ClassNames, parse.GetValue(replace), cancellation);

            var report = DatasetReport.From(manifest, blobs.Description, check: null);
            if (parse.GetValue(json)) JsonOutput.Write(CommandConsole.Writer(parse), report);
            else DatasetView.Write(CommandConsole.For(parse), report);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
