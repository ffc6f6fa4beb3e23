using BamOrleans.Cli.Commands;
using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Data.ImageFolder;

namespace BamOrleans.Cli.Jobs;

/// <summary>The images a local job trains on, and the labelled sets it evaluates with.</summary>
internal sealed record DatasetSelection(
    IImageDataset Train,
    IImageDataset? EvalTrain,
    IImageDataset? EvalTest,
    PixelNormalizer Normalizer)
{
    public static DatasetSelection Load(LocalJobOptions options)
    {
        if (options.Dataset == DatasetKind.FashionMnist)
        {
            var train = FashionMnist.Load(options.DataPath, FashionMnistSplit.Train);
            var test = FashionMnist.Load(options.DataPath, FashionMnistSplit.Test);
            // Self-supervised training ignores the labels; evaluation uses train as k-NN memory.
            return new DatasetSelection(train, train, test, PixelNormalizer.FashionMnist);
        }

        var folder = new ImageFolderDataset(options.DataPath, options.ImageSize);
        var normalizer = PixelNormalizer.ForChannels(folder.Shape.Channels);
        if (options.EvalDataPath is null)
            return new DatasetSelection(folder, null, null, normalizer);
        var evalTest = new ImageFolderDataset(options.EvalDataPath, options.ImageSize);
        return new DatasetSelection(folder, folder.ClassCount > 0 ? folder : null, evalTest, normalizer);
    }
}
