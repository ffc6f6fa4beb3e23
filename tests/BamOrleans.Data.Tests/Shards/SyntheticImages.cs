using BamOrleans.Core.Data;

namespace BamOrleans.Data.Tests.Shards;

/// <summary>Seeded random images of a non-square, multi-channel shape, so a swapped height and width,
/// a channel mix-up or an off-by-one image shows up as different bytes.</summary>
internal static class SyntheticImages
{
    public static readonly ImageShape Shape = new(3, 5, 4);

    public static InMemoryImageDataset Labelled(int count, int classCount = 7, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new byte[count * Shape.PixelCount];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(classCount)).ToArray();
        return new InMemoryImageDataset($"synthetic-{seed}", Shape, pixels, labels, classCount);
    }

    public static InMemoryImageDataset Unlabelled(int count, int seed = 2)
    {
        var pixels = new byte[count * Shape.PixelCount];
        new Random(seed).NextBytes(pixels);
        return new InMemoryImageDataset($"unlabelled-{seed}", Shape, pixels, labels: null, classCount: 0);
    }

    public static byte[] PixelsOf(IImageDataset dataset, int index)
    {
        var pixels = new byte[dataset.Shape.PixelCount];
        dataset.CopyPixels(index, pixels);
        return pixels;
    }

    /// <summary>Per-channel mean and population std on [0, 1], computed the plain way (two passes, doubles).</summary>
    public static (double[] Mean, double[] Std) DirectStatistics(IImageDataset dataset)
    {
        var shape = dataset.Shape;
        var plane = shape.Height * shape.Width;
        var mean = new double[shape.Channels];
        var std = new double[shape.Channels];
        for (var c = 0; c < shape.Channels; c++)
        {
            var values = Enumerable.Range(0, dataset.Count)
                .SelectMany(i => PixelsOf(dataset, i).Skip(c * plane).Take(plane))
                .Select(v => v / 255.0).ToArray();
            mean[c] = values.Average();
            std[c] = Math.Sqrt(values.Select(v => (v - mean[c]) * (v - mean[c])).Average());
        }
        return (mean, std);
    }
}
