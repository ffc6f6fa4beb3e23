using BamOrleans.GrainStorage;
using BamOrleans.Tests.Shared;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace BamOrleans.Storage.Tests.GrainStorage;

/// <summary>
/// <see cref="BlobGrainStorage"/> called as Orleans calls it, against each store: state round trips
/// with its ETag, a stale ETag fails with <see cref="InconsistentStateException"/>, clear removes the
/// record. No silo is needed for this part.
/// </summary>
public abstract class BlobGrainStorageContract : IAsyncLifetime
{
    private BlobGrainStorage? _storage;

    protected BlobGrainStorage Storage => _storage ?? throw new InvalidOperationException("not created");

    protected abstract Task<IBlobStore> CreateStore();

    public async Task InitializeAsync() =>
        _storage = new BlobGrainStorage("test", await CreateStore(),
            new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())));

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static readonly GrainId Grain = GrainId.Create("test", "x");

    private async Task<GrainState<CounterState>> Read(GrainId id, string stateName = "counter")
    {
        var state = new GrainState<CounterState>();
        await Storage.ReadStateAsync(stateName, id, state);
        return state;
    }

    [Fact]
    public async Task A_grain_without_a_record_reads_a_new_state()
    {
        var state = await Read(Grain);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State.Value);
    }

    [Fact]
    public async Task State_round_trips_with_its_ETag_and_a_stale_ETag_is_inconsistent()
    {
        var mine = await Read(Grain);
        mine.State!.Value = 41;
        mine.State.Names.Add("first");
        await Storage.WriteStateAsync("counter", Grain, mine);
        Assert.True(mine.RecordExists);
        Assert.NotNull(mine.ETag);

        var other = await Read(Grain);
        Assert.True(other.RecordExists);
        Assert.Equal(mine.ETag, other.ETag);
        Assert.Equal(41, other.State!.Value);
        Assert.Equal(["first"], other.State.Names);

        other.State.Value = 42;
        await Storage.WriteStateAsync("counter", Grain, other); // other now holds the newest ETag
        mine.State.Value = 99;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("counter", Grain, mine));
        Assert.Contains("another writer changed it", error.Message);
        Assert.Equal(42, (await Read(Grain)).State!.Value);

        // A fresh activation that never read (no ETag) cannot overwrite an existing record either.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteStateAsync("counter", Grain, new GrainState<CounterState>(new CounterState { Value = 7 })));
    }

    [Fact]
    public async Task Clear_removes_the_record_and_refuses_a_stale_ETag()
    {
        var first = await Read(Grain);
        first.State!.Value = 1;
        await Storage.WriteStateAsync("counter", Grain, first);
        var second = await Read(Grain);
        second.State!.Value = 2;
        await Storage.WriteStateAsync("counter", Grain, second);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync("counter", Grain, first));
        await Storage.ClearStateAsync("counter", Grain, second);
        Assert.False(second.RecordExists);
        Assert.Null(second.ETag);
        Assert.Equal(0, second.State!.Value);
        Assert.False((await Read(Grain)).RecordExists);
        Assert.Empty(await Storage.Store.List(GrainStateBlobNames.Prefix));

        // After a clear the grain can start over.
        second.State.Value = 3;
        await Storage.WriteStateAsync("counter", Grain, second);
        Assert.Equal(3, (await Read(Grain)).State!.Value);
    }

    [Fact]
    public async Task Grains_and_state_names_that_look_alike_get_separate_blobs()
    {
        GrainId[] ids = [GrainId.Create("test", "x"), GrainId.Create("test", "x/.."), GrainId.Create("test", ".."),
                         GrainId.Create("test", "x y"), GrainId.Create("test/x", "y"), GrainId.Create("test", "ü")];
        for (var i = 0; i < ids.Length; i++)
        {
            var state = new GrainState<CounterState>(new CounterState { Value = i });
            await Storage.WriteStateAsync("counter", ids[i], state);
            await Storage.WriteStateAsync("counter.b", ids[i], new GrainState<CounterState>(new CounterState { Value = 100 + i }));
        }
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(i, (await Read(ids[i])).State!.Value);
            Assert.Equal(100 + i, (await Read(ids[i], "counter.b")).State!.Value);
        }
        Assert.Equal(2 * ids.Length, (await Storage.Store.List(GrainStateBlobNames.Prefix)).Count);
    }
}

public sealed class FolderGrainStorageTests : BlobGrainStorageContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bam-grains-{Guid.NewGuid():N}");

    protected override async Task<IBlobStore> CreateStore()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.EnsureReady();
        return store;
    }

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(Azurite.AzuriteCollection.Name)]
public sealed class AzureGrainStorageTests(AzuriteFixture azurite) : BlobGrainStorageContract
{
    protected override async Task<IBlobStore> CreateStore() => await azurite.NewStore();
}
