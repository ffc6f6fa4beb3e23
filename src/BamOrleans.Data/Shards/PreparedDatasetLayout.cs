namespace BamOrleans.Data.Shards;

/// <summary>
/// Where a prepared dataset's blobs live: everything under <c>datasets/&lt;name&gt;/</c>, the shards
/// as <c>shard-00000-&lt;preparation&gt;.bin</c>, <c>shard-00001-&lt;preparation&gt;.bin</c>, ... and
/// <c>manifest.json</c>, the commit point, written last. A dataset exists once its manifest does.
/// Each preparation names its shards with its own id, so preparing a dataset again never overwrites
/// the shards the committed manifest lists: if the new preparation fails, the old dataset is intact.
/// </summary>
public static class PreparedDatasetLayout
{
    public const string Root = "datasets";

    public const string ManifestFile = "manifest.json";

    /// <summary>"datasets/&lt;name&gt;/", the prefix every blob of the dataset starts with.</summary>
    public static string Prefix(string name)
    {
        DatasetName.Validate(name);
        return $"{Root}/{name}/";
    }

    public static string ManifestBlob(string name) => Prefix(name) + ManifestFile;

    /// <summary>A new preparation's id: 8 hex digits, unique enough for the few preparations of one name.</summary>
    public static string NewPreparationId() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>File name of shard <paramref name="index"/> of a preparation within the dataset's
    /// prefix. Five digits keep the names in index order when listed; more shards get longer names.</summary>
    public static string ShardFile(int index, string preparationId) => $"shard-{index:D5}-{preparationId}.bin";

    /// <summary>Full blob name of a file of the dataset.</summary>
    public static string Blob(string name, string file) => Prefix(name) + file;
}
