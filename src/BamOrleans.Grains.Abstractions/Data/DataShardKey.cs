namespace BamOrleans.Grains.Data;

/// <summary>
/// The key of a data-shard grain, <c>{runId}/{shardIndex}</c>: one place that writes and reads it,
/// so the pool and the shard never disagree on which shard a grain is.
/// </summary>
public static class DataShardKey
{
    public static string Of(string runId, int shard)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return $"{runId}/{shard}";
    }

    /// <summary>Splits a key at its last '/', so run ids may themselves contain slashes.</summary>
    public static (string RunId, int Shard) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var cut = key.LastIndexOf('/');
        if (cut > 0 && int.TryParse(key.AsSpan(cut + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var shard))
            return (key[..cut], shard);
        throw new ArgumentException(
            $"data shard key '{key}' is not '<runId>/<shardIndex>': get shard grains by DataShardKey.Of(runId, shard)", nameof(key));
    }
}
