using BamOrleans.Grains.Runs;

namespace BamOrleans.Client;

/// <summary>The runs a cluster knows (from the run catalog in grain storage), for `bam run list`.</summary>
public static class RunCatalog
{
    /// <summary>Every run and its status now, in id order. The catalog holds the last persisted
    /// status; each run grain is asked for its live snapshot.</summary>
    public static async Task<IReadOnlyList<RunStatusSnapshot>> List(IClusterClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ids = await client.GetGrain<IRunCatalogGrain>(IRunCatalogGrain.Key).List();
        var snapshots = await Task.WhenAll(ids.Keys.Order(StringComparer.Ordinal)
            .Select(id => client.GetGrain<IRunGrain>(id).GetStatus()));
        return snapshots;
    }
}
