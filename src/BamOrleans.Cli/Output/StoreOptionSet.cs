using System.CommandLine;
using BamOrleans.Silo;
using BamOrleans.Storage;

namespace BamOrleans.Cli.Output;

/// <summary>
/// The blob-store options shared by the commands that read or write the store directly (datasets,
/// checkpoints, evaluation): the same two as `bam-silo`, so one store description serves both.
/// The Azure connection string comes from the environment, never the command line.
/// </summary>
internal sealed class StoreOptionSet
{
    private readonly Option<string?> _folder = new("--store-folder") { Description = "the blob store is this folder (as bam-silo --store-folder)" };
    private readonly Option<string?> _container = new("--store-container")
    {
        Description = $"the blob store is this Azure container; the connection string comes from ${BamSiloOptions.StorageConnectionStringVariable}",
    };

    public static StoreOptionSet AddTo(Command command)
    {
        var set = new StoreOptionSet();
        command.Options.Add(set._folder);
        command.Options.Add(set._container);
        return set;
    }

    /// <summary>Opens the store the options name. Throws <see cref="BlobStoreConfigurationException"/>
    /// (bad input: exit 2) when none or both are given, or the settings are unusable.</summary>
    public async Task<IBlobStore> Open(ParseResult parse)
    {
        var folder = parse.GetValue(_folder);
        var container = parse.GetValue(_container);
        if (folder is null && container is null)
            throw new BlobStoreConfigurationException("no blob store given: pass --store-folder <folder> or --store-container <name> (with the connection string in $"
                                                      + BamSiloOptions.StorageConnectionStringVariable + ")");
        if (folder is not null && container is not null)
            throw new BlobStoreConfigurationException("--store-folder and --store-container: choose one store");
        var store = BlobStoreFactory.Create(BamSiloOptions.StoreFrom(folder, container)!);
        await store.EnsureReady();
        return store;
    }
}
