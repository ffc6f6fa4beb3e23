using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Data;

/// <summary>Turns dataset images into a float batch [B, C, H, W] with values in [0, 1].</summary>
public static class ImageBatchLoader
{
    public static Tensor Load(IImageDataset dataset, ReadOnlySpan<int> indices, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var shape = dataset.Shape;
        var bytes = new byte[indices.Length * shape.PixelCount];
        for (var i = 0; i < indices.Length; i++)
            dataset.CopyPixels(indices[i], bytes.AsSpan(i * shape.PixelCount, shape.PixelCount));

        using var scope = NewDisposeScope();
        var batch = tensor(bytes, new long[] { indices.Length, shape.Channels, shape.Height, shape.Width })
            .to_type(ScalarType.Float32)
            .div_(255f);
        if (device is not null && device.type != DeviceType.CPU)
            batch = batch.to(device);
        return batch.MoveToOuterDisposeScope();
    }
}
