using System.Collections.Concurrent;
using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Data.ImageFolder;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Silo;

/// <summary>Opens run datasets from this machine's disk, once per spec: every slot of every silo
/// in this process shares the decoded images.</summary>
public sealed class LocalDatasetProvider : IDatasetProvider
{
    public const string FashionMnistKind = "fashion-mnist";
    public const string FolderKind = "folder";

    private readonly ConcurrentDictionary<DatasetSpec, Lazy<IImageDataset>> _open = new();

    public IImageDataset Open(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _open.GetOrAdd(spec, s => new Lazy<IImageDataset>(() => Load(s))).Value;
    }

    /// <summary>Puts an already-loaded dataset under a spec (the CLI loads it once for training
    /// and evaluation, and its in-process silos reuse it).</summary>
    public void Add(DatasetSpec spec, IImageDataset dataset) =>
        _open[spec] = new Lazy<IImageDataset>(() => dataset);

    private static IImageDataset Load(DatasetSpec spec) => spec.Kind switch
    {
        FashionMnistKind => FashionMnist.Load(spec.Path, FashionMnistSplit.Train),
        FolderKind => new ImageFolderDataset(spec.Path, spec.ImageSize),
        _ => throw new ArgumentException(
            $"dataset kind '{spec.Kind}' is unknown: use '{FashionMnistKind}' or '{FolderKind}'.", nameof(spec)),
    };
}
