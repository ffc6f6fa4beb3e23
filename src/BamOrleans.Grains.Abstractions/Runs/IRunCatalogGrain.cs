using Orleans.Concurrency;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// The cluster's list of runs and their last persisted status, kept in grain storage so that
/// silos starting after the loss of every node can find the runs that were running and resume
/// them (see <see cref="IRunGrain.Recover"/>). One per service: key <see cref="Key"/>.
/// </summary>
[Alias("bam.IRunCatalogGrain")]
public interface IRunCatalogGrain : IGrainWithStringKey
{
    public const string Key = "runs";

    /// <summary>Records a run's status (the run grain calls this after persisting its own state).</summary>
    [Alias("Record")]
    Task Record(string runId, RunStatus status);

    /// <summary>Every known run and its last recorded status.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyDictionary<string, RunStatus>> List();
}
