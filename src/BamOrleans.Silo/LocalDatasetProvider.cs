using System.Collections.Concurrent;
using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Data.ImageFolder;
using BamOrleans.Data.Shards;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Silo;

/// <summary>Opens run datasets for this silo, once per spec: every slot of every silo in this
/// process shares the decoded images. Fashion-MNIST and image folders come from this machine's
/// disk; prepared datasets (`bam dataset prepare`) from the silo's blob store.</summary>
public sealed class LocalDatasetProvider : IDatasetProvider
{
    public const string FashionMnistKind = "fashion-mnist";
    public const string FolderKind = "folder";

    /// <summary>A prepared dataset in the silo's blob store; <see cref="DatasetSpec.Path"/> is its name.</summary>
    public const string StoreKind = "store";

    private readonly ConcurrentDictionary<DatasetSpec, Lazy<IImageDataset>> _open = new();
    private readonly IBlobStore? _store;

    /// <param name="store">Where prepared datasets are read from (the silo's --store-folder or
    /// --store-container); null: the "store" kind is refused with a message saying how to give one.</param>
    public LocalDatasetProvider(IBlobStore? store = null) => _store = store;

    public IImageDataset Open(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var entry = _open.GetOrAdd(spec, s => new Lazy<IImageDataset>(() => Load(s)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // Lazy keeps a failure forever; a blob store that was unreachable for a moment must
            // not make this silo refuse the dataset until it restarts. The next Open tries again.
            _open.TryRemove(new KeyValuePair<DatasetSpec, Lazy<IImageDataset>>(spec, entry));
            throw;
        }
    }

    /// <summary>Puts an already-loaded dataset under a spec (the CLI loads it once for training
    /// and evaluation, and its in-process silos reuse it).</summary>
    public void Add(DatasetSpec spec, IImageDataset dataset) =>
        _open[spec] = new Lazy<IImageDataset>(() => dataset);

    private IImageDataset Load(DatasetSpec spec) => spec.Kind switch
    {
        FashionMnistKind => FashionMnist.Load(spec.Path, FashionMnistSplit.Train),
        FolderKind => new ImageFolderDataset(spec.Path, spec.ImageSize),
        // Off any caller's scheduler: reads are async, Open is not (slots call it on the thread pool).
        StoreKind => Task.Run(() => PreparedDataset.Open(StoreFor(spec), spec.Path)).GetAwaiter().GetResult(),
        _ => throw new ArgumentException(
            $"dataset kind '{spec.Kind}' is unknown: use '{FashionMnistKind}', '{FolderKind}' or '{StoreKind}'.", nameof(spec)),
    };

    private IBlobStore StoreFor(DatasetSpec spec) => _store ?? throw new BlobStoreConfigurationException(
        $"dataset '{spec.Path}' is a prepared dataset (kind '{StoreKind}') but this silo has no blob store: " +
        "start bam-silo with --store-folder <folder> or --store-container <name>, the store the dataset was prepared in");
}
