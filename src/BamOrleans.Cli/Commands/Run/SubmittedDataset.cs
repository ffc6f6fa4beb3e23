using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Data.ImageFolder;
using BamOrleans.Data.Shards;
using BamOrleans.Silo;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>
/// What the client must know of a run's images before launching it: how many there are (the data
/// pool cuts them into shards and epochs) and the pixel statistics every replica normalises with.
/// Read here, from the same place the silos will read the images.
/// </summary>
/// <param name="Count">Training images.</param>
/// <param name="Normalizer">Per-channel statistics.</param>
/// <param name="Description">For the submit message.</param>
internal sealed record SubmittedDataset(int Count, PixelNormalizer Normalizer, string Description)
{
    public static async Task<SubmittedDataset> Describe(DatasetSpec spec, Func<Task<IBlobStore>> openStore)
    {
        switch (spec.Kind)
        {
            case LocalDatasetProvider.FashionMnistKind:
                var train = FashionMnist.Load(spec.Path, FashionMnistSplit.Train);
                return new SubmittedDataset(train.Count, PixelNormalizer.FashionMnist, $"Fashion-MNIST at {spec.Path}");
            case LocalDatasetProvider.FolderKind:
                var folder = new ImageFolderDataset(spec.Path, spec.ImageSize);
                return new SubmittedDataset(folder.Count, PixelNormalizer.ForChannels(folder.Shape.Channels), $"the image folder {spec.Path}");
            case LocalDatasetProvider.StoreKind:
                // A prepared dataset carries its own measured statistics: use them, not a default.
                var store = await openStore();
                var manifest = await DatasetManifestBlob.Read(store, spec.Path);
                return new SubmittedDataset(manifest.ImageCount, manifest.ToNormalizer(), $"the prepared dataset '{spec.Path}' in {store.Description}");
            default:
                throw new ArgumentException($"data.kind '{spec.Kind}' is unknown: use fashion-mnist, folder or store.");
        }
    }
}
