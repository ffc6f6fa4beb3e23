using BamOrleans.Cli.Jobs;
using BamOrleans.Silo;
// The constant FashionMnist below is the kind's name; this is the dataset's class.
using FashionMnistData = BamOrleans.Data.Idx.FashionMnist;

namespace BamOrleans.Cli.Config;

/// <summary>
/// The values of data.kind (the <see cref="BamOrleans.Worker.Runs.DatasetSpec.Kind"/> the silos
/// open) and the image shape each implies when the config does not state it.
/// </summary>
internal static class RunDataKinds
{
    public const string FashionMnist = LocalDatasetProvider.FashionMnistKind;
    public const string Folder = LocalDatasetProvider.FolderKind;

    // A dataset prepared in the blob store, Path being its name. LocalDatasetProvider is gaining
    // this kind in a parallel change; use its constant once it has one.
    public const string Store = BamOrleans.Silo.LocalDatasetProvider.StoreKind;

    public static IReadOnlyList<string> All { get; } = [FashionMnist, Folder, Store];

    /// <summary>The side the images have or are resized to when data.imageSize is not given:
    /// Fashion-MNIST's own, `bam local`'s --image-size default for a folder, and nothing for a
    /// prepared dataset, whose shape only its author knows.</summary>
    public static int? DefaultImageSize(string kind) => kind switch
    {
        FashionMnist => FashionMnistData.ImageSize,
        Folder => new LocalJobOptions { DataPath = "" }.ImageSize,
        _ => null,
    };

    /// <summary>Channels of the images as the silos read them: Fashion-MNIST is grayscale and
    /// LocalDatasetProvider decodes folders as RGB; a prepared dataset's must be stated.</summary>
    public static int? DefaultChannels(string kind) => kind switch
    {
        FashionMnist => 1,
        Folder => 3,
        _ => null,
    };

    /// <summary>Whether the silos decide the shape for this kind, so a config may not change it.</summary>
    public static bool ShapeIsFixed(string kind) => kind == FashionMnist;

    /// <summary>Whether the silos decide the channels for this kind.</summary>
    public static bool ChannelsAreFixed(string kind) => kind is FashionMnist or Folder;
}
