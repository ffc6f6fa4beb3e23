using BamOrleans.Core.Data;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>Seeded random grey images that every in-process silo opens under one spec: the
/// tests need real pixels through the real loop, not Fashion-MNIST's size.</summary>
internal sealed class SyntheticDatasets : IDatasetProvider
{
    public const int Side = 12;
    public const int Count = 96;

    public static readonly DatasetSpec Spec = new("synthetic", "/synthetic", Side);

    public static IImageDataset Images { get; } = Make();

    public IImageDataset Open(DatasetSpec spec) =>
        spec == Spec ? Images : throw new ArgumentException($"test silos only serve {Spec}, not {spec}");

    private static InMemoryImageDataset Make()
    {
        var shape = new ImageShape(1, Side, Side);
        var pixels = new byte[Count * shape.PixelCount];
        new Random(20261123).NextBytes(pixels);
        return new InMemoryImageDataset("synthetic-12px", shape, pixels, labels: null, classCount: 0);
    }
}
