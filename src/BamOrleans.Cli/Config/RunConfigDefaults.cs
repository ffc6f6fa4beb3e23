using BamOrleans.Cli.Jobs;
using BamOrleans.Core.Data;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cli.Config;

/// <summary>
/// The config a run gets for what its file leaves out: exactly what `bam local` would train on
/// data of the same shape with its default options. Every key's default is read from here.
/// </summary>
internal static class RunConfigDefaults
{
    /// <summary>The default run on <paramref name="kind"/> data of the given shape; its data path is
    /// empty (a config must name it) and its run id unset.</summary>
    public static RunConfig For(string kind, int imageSize, int channels)
    {
        var local = new LocalJobOptions { DataPath = "" };
        var training = TrainingConfigFactory.For(local, new ShapeOnlyDataset(new ImageShape(channels, imageSize, imageSize)));
        return new RunConfig(
            training,
            new DatasetSpec(kind, Path: "", imageSize),
            local.DataShards,
            new RunCheckpointSettings(local.CheckpointEvery, local.CheckpointMinutes, local.KeepCheckpoints),
            local.SlotsPerSilo,
            SiloLimit: null,
            local.RunId);
    }

    // TrainingConfigFactory sizes the encoder and the augmentation from the data's shape alone.
    // A submitted run's images live on the silos, so the factory is given their shape without them.
    private sealed class ShapeOnlyDataset(ImageShape shape) : IImageDataset
    {
        public string Name => $"images of shape {shape}";
        public int Count => 0;
        public ImageShape Shape => shape;
        public int ClassCount => 0;
        public int Label(int index) => throw new InvalidOperationException("a shape-only dataset has no images");
        public void CopyPixels(int index, Span<byte> destination) => throw new InvalidOperationException("a shape-only dataset has no images");
    }
}
