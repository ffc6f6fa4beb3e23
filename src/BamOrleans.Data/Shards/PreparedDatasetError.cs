namespace BamOrleans.Data.Shards;

/// <summary>Why a prepared dataset cannot be used.</summary>
public enum PreparedDatasetProblem
{
    /// <summary>No manifest: never prepared in this store, a wrong name, or a preparation that did not finish.</summary>
    NotFound,

    /// <summary>Written in a format version this build does not read.</summary>
    UnknownVersion,

    /// <summary>A blob is missing, truncated, changed or inconsistent with the manifest.</summary>
    Damaged,
}

/// <summary>
/// The <see cref="InvalidDataException"/> (sealed, so not subclassed) thrown when a prepared dataset
/// cannot be read. Its message names the dataset, the blob and what is wrong, and says the fix;
/// its <see cref="Exception.Data"/> carries the same facts for callers that act on them.
/// </summary>
public static class PreparedDatasetError
{
    private const string DatasetKey = "BamOrleans.PreparedDataset";
    private const string BlobKey = "BamOrleans.PreparedDataset.Blob";
    private const string ProblemKey = "BamOrleans.PreparedDataset.Problem";

    public static InvalidDataException Create(string dataset, string blob, string reason, PreparedDatasetProblem problem)
    {
        var fix = problem == PreparedDatasetProblem.NotFound
            ? $"Fix: check --name and the store options, or prepare it with `bam dataset prepare --name {dataset} --source <path>` and the same store options."
            : $"Fix: prepare it again with `bam dataset prepare --name {dataset} --source <path> --replace` and the same store options.";
        var error = new InvalidDataException($"prepared dataset '{dataset}': blob {blob} {reason}. {fix}");
        error.Data[DatasetKey] = dataset;
        error.Data[BlobKey] = blob;
        error.Data[ProblemKey] = problem;
        return error;
    }

    /// <summary>What kind of problem <paramref name="error"/> reports, or null when it is not about a prepared dataset.</summary>
    public static PreparedDatasetProblem? ProblemOf(Exception error) => error.Data[ProblemKey] as PreparedDatasetProblem?;

    /// <summary>The full name of the blob at fault, or null when <paramref name="error"/> is not about a prepared dataset.</summary>
    public static string? BlobOf(Exception error) => error.Data[BlobKey] as string;
}
