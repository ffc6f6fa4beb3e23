using BamOrleans.Data.Idx;

namespace BamOrleans.Tests.Shared;

/// <summary>A Fashion-MNIST-shaped idx folder with a few structured images, so the CLI runs its
/// whole job (train, evaluate, write metrics) in seconds.</summary>
internal sealed class TinyFashionMnist : IDisposable
{
    public TinyFashionMnist(int trainCount = 64, int testCount = 32)
    {
        Directory = Path.Combine(Path.GetTempPath(), "bam-tiny-fmnist-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Write(FashionMnistSplit.Train, trainCount, seed: 1);
        Write(FashionMnistSplit.Test, testCount, seed: 2);
    }

    public string Directory { get; }

    private void Write(FashionMnistSplit split, int count, int seed)
    {
        const int side = 28;
        var pixels = new byte[count * side * side];
        var labels = new byte[count];
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            // Class c is a bright bar in row band c: learnable, and different from noise.
            var label = i % 10;
            labels[i] = (byte)label;
            for (var y = 2 * label; y < 2 * label + 6; y++)
                for (var x = 0; x < side; x++)
                    pixels[i * side * side + y * side + x] = (byte)random.Next(150, 256);
        }
        var (images, labelFile) = FashionMnist.FileStems(split);
        IdxWriter.WriteImages(Path.Combine(Directory, images + ".gz"), side, side, pixels, gzip: true);
        IdxWriter.WriteLabels(Path.Combine(Directory, labelFile + ".gz"), labels, gzip: true);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
