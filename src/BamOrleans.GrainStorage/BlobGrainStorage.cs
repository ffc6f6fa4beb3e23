using BamOrleans.Storage;
using Orleans.Storage;

namespace BamOrleans.GrainStorage;

/// <summary>
/// Orleans grain storage on an <see cref="IBlobStore"/>: each grain's state is one serialized blob
/// (<see cref="GrainStateBlobNames"/>), written all-or-nothing. The blob's ETag is the grain
/// state's ETag: a write or clear is conditional on it (no ETag: on there being no blob), so two
/// activations of one grain, or a stale one, cannot silently overwrite each other; the loser gets
/// Orleans' <see cref="InconsistentStateException"/>, which resets its activation. Checks the store
/// once at silo start, so a bad storage setting stops the silo with the store's own message.
/// </summary>
public sealed class BlobGrainStorage(string name, IBlobStore store, IGrainStorageSerializer serializer)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public string Name { get; } = name;

    public IBlobStore Store { get; } = store;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blob = await Store.Read(GrainStateBlobNames.For(stateName, grainId));
        if (blob is null)
        {
            Reset(grainState);
            return;
        }
        grainState.State = blob.Data.Length == 0 ? NewState<T>() : serializer.Deserialize<T>(new BinaryData(blob.Data)) ?? NewState<T>();
        grainState.ETag = blob.Info.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = GrainStateBlobNames.For(stateName, grainId);
        var condition = grainState.ETag is null ? BlobCondition.MustNotExist : BlobCondition.IfMatch(grainState.ETag);
        try
        {
            await using var content = serializer.Serialize(grainState.State).ToStream();
            var written = await Store.Write(blobName, content, condition);
            grainState.ETag = written.ETag;
            grainState.RecordExists = true;
        }
        catch (BlobConditionFailedException e)
        {
            throw Inconsistent("write", stateName, grainId, grainState.ETag, e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = GrainStateBlobNames.For(stateName, grainId);
        if (grainState.ETag is null)
        {
            // We believe there is no record: fine unless someone wrote one we have not seen.
            if (await Store.GetInfo(blobName) is not null)
                throw Inconsistent("clear", stateName, grainId, null, null);
        }
        else
        {
            try
            {
                // Already gone (another activation cleared it) is the outcome we wanted.
                await Store.Delete(blobName, grainState.ETag);
            }
            catch (BlobConditionFailedException e)
            {
                throw Inconsistent("clear", stateName, grainId, grainState.ETag, e);
            }
        }
        Reset(grainState);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(BlobGrainStorage)}-{Name}", ServiceLifecycleStage.ApplicationServices, Store.EnsureReady);

    private InconsistentStateException Inconsistent(string operation, string stateName, GrainId grainId, string? eTag, Exception? inner) =>
        new($"grain storage {Name} ({Store.Description}): cannot {operation} state \"{stateName}\" of {grainId}: another writer changed it " +
            $"since this activation read it (its ETag {eTag ?? "none"} is stale); Orleans resets the activation, which re-reads the state",
            storedEtag: null, currentEtag: eTag, inner);

    private static void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = NewState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>What an absent record reads as: a new T where T has a parameterless constructor, else default.</summary>
    private static T? NewState<T>() =>
        typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default;
}
