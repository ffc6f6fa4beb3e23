namespace BamOrleans.Storage.Tests.GrainStorage;

/// <summary>A grain whose state lives in blob grain storage; one implementation per store.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    /// <summary>Deactivates after this call, so the next call reads the state back from storage.</summary>
    Task Deactivate();
}

public abstract class CounterGrain(IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Value);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class FolderCounterGrain([PersistentState("counter", SiloGrainStorageTests.FolderStorage)] IPersistentState<CounterState> counter)
    : CounterGrain(counter);

public sealed class AzureCounterGrain([PersistentState("counter", SiloGrainStorageTests.AzureStorage)] IPersistentState<CounterState> counter)
    : CounterGrain(counter);
