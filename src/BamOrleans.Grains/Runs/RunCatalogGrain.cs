using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Runs;

/// <summary>The persisted list of runs and their statuses (see <see cref="IRunCatalogGrain"/>).</summary>
internal sealed class RunCatalogGrain(
    [PersistentState("catalog", RunStateStorage.Name)] IPersistentState<RunCatalogGrain.Entries> state,
    ILogger<RunCatalogGrain> logger) : Grain, IRunCatalogGrain
{
    public async Task Record(string runId, RunStatus status)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (state.State.Runs.TryGetValue(runId, out var known) && known == status) return;
        state.State.Runs[runId] = status;
        await state.WriteStateAsync();
        logger.LogDebug("Run catalog: {RunId} is {Status}", runId, status);
    }

    public Task<IReadOnlyDictionary<string, RunStatus>> List() =>
        Task.FromResult<IReadOnlyDictionary<string, RunStatus>>(new Dictionary<string, RunStatus>(state.State.Runs, StringComparer.Ordinal));

    [GenerateSerializer, Alias("bam.RunCatalogEntries")]
    public sealed class Entries
    {
        [Id(0)] public Dictionary<string, RunStatus> Runs { get; set; } = [];
    }
}
