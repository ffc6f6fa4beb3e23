namespace BamOrleans.Grains.Data;

/// <summary>One bank shard's part of a request: its indices, and where each sits in the request.</summary>
/// <param name="Shard">The shard's index.</param>
/// <param name="Indices">The dataset indices of the request that this shard holds, in request order.</param>
/// <param name="Positions">For each of them, its position in the request.</param>
internal sealed record MemoryPart(int Shard, int[] Indices, int[] Positions);

/// <summary>
/// Which bank shard holds which dataset index (the data shards' cut, <see cref="DataPoolSettings.RangeOf"/>),
/// and the cutting of a request into per-shard parts and the putting together of their answers in
/// request order.
/// </summary>
internal sealed class MemoryRouting
{
    private readonly int[] _starts;

    public MemoryRouting(DataPoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MemoryWidth < 1)
            throw new ArgumentException($"settings {settings} keep no memory bank (MemoryWidth {settings.MemoryWidth}): there is nothing to route", nameof(settings));
        DatasetSize = settings.DatasetSize;
        Width = settings.MemoryWidth;
        Ranges = Enumerable.Range(0, settings.ShardCount).Select(settings.RangeOf).ToArray();
        _starts = Ranges.Select(r => r.Start).ToArray();
    }

    public int DatasetSize { get; }

    public int Width { get; }

    /// <summary>Each shard's range, by shard index (contiguous and ascending).</summary>
    public IReadOnlyList<ShardRange> Ranges { get; }

    /// <summary>The shard whose range holds <paramref name="index"/>.</summary>
    public int ShardOf(int index)
    {
        if (index < 0 || index >= DatasetSize)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"index {index} is not a dataset index: the run's dataset has {DatasetSize} images, 0..{DatasetSize - 1}");
        var found = Array.BinarySearch(_starts, index);
        return found >= 0 ? found : ~found - 1;
    }

    /// <summary>
    /// Cuts <paramref name="indices"/> by shard, in shard order. Only the shards that hold some of
    /// them, unless <paramref name="everyShard"/>: then one part per shard, empty where none.
    /// </summary>
    public MemoryPart[] Split(int[] indices, bool everyShard = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var byShard = new List<int>?[Ranges.Count];
        for (var i = 0; i < indices.Length; i++)
            (byShard[ShardOf(indices[i])] ??= []).Add(i);
        return Enumerable.Range(0, Ranges.Count)
            .Where(j => everyShard || byShard[j] is not null)
            .Select(j =>
            {
                var positions = byShard[j]?.ToArray() ?? [];
                return new MemoryPart(j, positions.Select(p => indices[p]).ToArray(), positions);
            })
            .ToArray();
    }

    /// <summary>The rows of <paramref name="part"/>'s indices, taken from a request's row-major <paramref name="rows"/>.</summary>
    public float[] RowsOf(MemoryPart part, float[] rows)
    {
        var slice = new float[(long)part.Positions.Length * Width];
        for (var k = 0; k < part.Positions.Length; k++)
            Array.Copy(rows, (long)part.Positions[k] * Width, slice, (long)k * Width, Width);
        return slice;
    }

    /// <summary>Writes each part's answer (rows in the part's order) to the request's positions in <paramref name="result"/>.</summary>
    public void Place(MemoryPart part, float[] answer, float[] result)
    {
        if (answer.Length != (long)part.Positions.Length * Width)
            throw new InvalidOperationException(
                $"memory bank shard {part.Shard} answered {answer.Length} floats for {part.Positions.Length} rows of width {Width}");
        for (var k = 0; k < part.Positions.Length; k++)
            Array.Copy(answer, (long)k * Width, result, (long)part.Positions[k] * Width, Width);
    }
}
