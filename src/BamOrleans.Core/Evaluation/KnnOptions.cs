namespace BamOrleans.Core.Evaluation;

/// <summary>
/// Settings of the weighted k-NN. The defaults are DINO's and BAM's eval_knn (k = 20, T = 0.07).
/// Every value is checked when set, through the constructor and through <c>with</c> alike, so an
/// invalid options object cannot exist. K ≤ the number of training samples is checked by
/// <see cref="KnnClassifier"/>, which knows that number.
/// </summary>
public sealed record KnnOptions
{
    /// <param name="K">Neighbours that vote, ≥ 1.</param>
    /// <param name="Temperature">T in the vote weight exp(similarity / T), &gt; 0. Small T lets the
    /// closest neighbours dominate; large T tends to an unweighted majority.</param>
    /// <param name="ChunkSize">Test rows scored at once. The similarity block is ChunkSize × train
    /// count floats (256 × 60 000 ≈ 61 MB), never the whole test × train matrix.</param>
    public KnnOptions(int K = 20, double Temperature = 0.07, int ChunkSize = 256)
    {
        this.K = K;
        this.Temperature = Temperature;
        this.ChunkSize = ChunkSize;
    }

    public int K
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(K), value, "k-NN needs K ≥ 1 neighbours.");
    }

    public double Temperature
    {
        get;
        init => field = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Temperature), value, "k-NN temperature must be finite and > 0.");
    }

    public int ChunkSize
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ChunkSize), value, "k-NN chunk size must be ≥ 1 test row.");
    }
}
